import Policy
import Testing

@Suite("Configuration: flood defences (penalties, early drop, channel and session caps)")
struct FloodSettingsTests {
    @Test func everyKeyIsRead() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            limits:
              max_unauthenticated: 100
              unauthenticated_drop_start: 10
              unauthenticated_drop_rate: 30
              max_channels_per_connection: 20
              max_sessions_per_user: 50
            penalties:
              enabled: true
              auth_failure: 10s
              no_auth: 2s
              grace_exceeded: 20s
              min: 30s
              max: 1h
              exempt: [10.20.0.0/16, "2001:db8::/32", 192.0.2.7]
              max_sources: 1000
            """, sourcePath: "floods.yaml")
        let limits = configuration.limits
        #expect(limits.maxUnauthenticated == 100 && limits.earlyDropStart == 10 && limits.earlyDropRate == 30)
        #expect(limits.maxChannelsPerConnection == 20 && limits.maxSessionsPerUser == 50)
        let penalties = configuration.penalties
        #expect(penalties == PenaltySettings(
            enabled: true, authenticationFailure: .seconds(10), noAuthentication: .seconds(2), graceExceeded: .seconds(20),
            minimum: .seconds(30), maximum: .seconds(3600),
            exempt: [try CIDR(parsing: "10.20.0.0/16"), try CIDR(parsing: "2001:db8::/32"), try CIDR(parsing: "192.0.2.7")],
            maxSources: 1000))
        #expect(penalties.isExempt(IPAddress(parsing: "10.20.3.4")!))
        #expect(!penalties.isExempt(IPAddress(parsing: "10.21.3.4")!))
    }

    @Test func penaltiesCanBeTurnedOff() throws {
        let configuration = try ConfigurationLoader.load(yaml: "penalties: {enabled: false}\n", sourcePath: "off.yaml")
        #expect(!configuration.penalties.enabled)
        #expect(configuration.penalties.minimum == Defaults.penalties.minimum)
    }

    @Test func badValuesAreReportedWithTheirPlace() {
        expectConfigurationErrors("""
            limits: {unauthenticated_drop_rate: 150, max_channels_per_connection: 0, max_sessions_per_user: lots}
            penalties:
              enabled: maybe
              no_auth: 1d
              min: 20m
              max: 10m
              exempt: [10.0.0.1/8, nonsense]
              colour: red
            """, [
            ExpectedError(1, 37, "invalid limits.unauthenticated_drop_rate 150: expected a percentage from 1 to 100"),
            ExpectedError(1, 71, #"invalid limits.max_channels_per_connection "0": expected a positive integer"#),
            ExpectedError(1, 97, #"invalid limits.max_sessions_per_user "lots""#),
            ExpectedError(3, 12, #"invalid penalties.enabled "maybe": expected true or false"#),
            ExpectedError(4, 12, #"invalid duration "1d" for penalties.no_auth"#),
            ExpectedError(5, 8, "penalties.min must not exceed penalties.max"),
            ExpectedError(7, 12, #"invalid penalties.exempt entry "10.0.0.1/8": host bits are set"#),
            ExpectedError(7, 24, #"invalid penalties.exempt entry "nonsense""#),
            ExpectedError(8, 3, #"unknown key "colour" in penalties"#),
        ])
    }
}
