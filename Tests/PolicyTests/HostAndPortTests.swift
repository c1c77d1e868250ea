import Policy
import Testing

@Suite("HostAndPort")
struct HostAndPortTests {
    @Test(arguments: [
        ("10.0.1.5:22", "10.0.1.5", 22),
        ("db-01.internal:2222", "db-01.internal", 2222),
        ("[::1]:2222", "::1", 2222),
        ("[fe80::1%eth0]:22", "fe80::1%eth0", 22),
        ("h:65535", "h", 65535),
        ("h:1", "h", 1),
    ])
    func parsesValidAddresses(text: String, host: String, port: Int) throws {
        let address = try HostAndPort(parsing: text)
        #expect(address == HostAndPort(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: [
        ("h", HostAndPortError.malformed),
        ("[::1]", .malformed),
        ("[::1", .malformed),
        (":22", .invalidHost),
        ("::1:22", .invalidHost),
        ("[]:22", .invalidHost),
        ("[abc]:22", .invalidHost),
        ("we b:22", .invalidHost),
        ("h:", .invalidPort),
        ("h:0", .invalidPort),
        ("h:65536", .invalidPort),
        ("h:+22", .invalidPort),
        ("h:022222", .invalidPort),
    ])
    func rejectsInvalidAddresses(text: String, error: HostAndPortError) {
        #expect(throws: error) { try HostAndPort(parsing: text) }
    }
}
