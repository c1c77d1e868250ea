import Gateway
import Policy
import Testing

@Suite("PenaltyBook: per-source penalties")
struct PenaltyBookTests {
    private let settings = Defaults.penalties
    private let start = ContinuousClock.now

    private func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    @Test func defaultsAreOpenSSHs() {
        #expect(settings.enabled)
        #expect(settings.authenticationFailure == .seconds(5) && settings.noAuthentication == .seconds(1))
        #expect(settings.graceExceeded == .seconds(10))
        #expect(settings.minimum == .seconds(15) && settings.maximum == .seconds(600))
    }

    @Test func rapidFailedLoginsPenaliseOnceMinimumIsReached() {
        let book = PenaltyBook()
        #expect(book.record(.authenticationFailure, from: "192.0.2.7", settings: settings, now: at(0)) == nil)
        #expect(book.record(.authenticationFailure, from: "192.0.2.7", settings: settings, now: at(1)) == nil)
        #expect(!book.isPenalised("192.0.2.7", settings: settings, now: at(1)))
        let imposed = book.record(.authenticationFailure, from: "192.0.2.7", settings: settings, now: at(2))
        // 15 s accumulated from t=0, of which 2 s have passed: 13 s left, below min: not yet.
        #expect(imposed == nil)
        let fourth = book.record(.authenticationFailure, from: "192.0.2.7", settings: settings, now: at(3))
        #expect(fourth == ImposedPenalty(source: "192.0.2.7", duration: .seconds(17), strike: 1, offence: .authenticationFailure))
        #expect(book.isPenalised("192.0.2.7", settings: settings, now: at(3)))
        #expect(book.isPenalised("192.0.2.7", settings: settings, now: at(19.9)))
        #expect(!book.isPenalised("192.0.2.7", settings: settings, now: at(20.1)))
    }

    @Test func anotherAddressIsNeverAffected() {
        let book = PenaltyBook()
        for second in 0..<4 {
            _ = book.record(.authenticationFailure, from: "192.0.2.7", settings: settings, now: at(Double(second)))
        }
        #expect(book.isPenalised("192.0.2.7", settings: settings, now: at(4)))
        #expect(!book.isPenalised("192.0.2.8", settings: settings, now: at(4)))
        #expect(!book.isPenalised("127.0.0.1", settings: settings, now: at(4)))
    }

    @Test func slowFailuresNeverAccumulate() {
        // One failed login every 6 s: each 5 s runs out before the next arrives.
        let book = PenaltyBook()
        for index in 0..<50 {
            #expect(book.record(.authenticationFailure, from: "198.51.100.1", settings: settings, now: at(Double(index) * 6)) == nil)
        }
    }

    @Test func repeatedPenaltiesGrowUpToTheCap() {
        let book = PenaltyBook()
        var now = 0.0
        var durations: [Duration] = []
        for _ in 0..<8 {
            // Three silent drops of 10 s (deadlines) at once: 30 s accumulated.
            var imposed: ImposedPenalty?
            for _ in 0..<3 where imposed == nil {
                imposed = book.record(.graceExceeded, from: "203.0.113.9", settings: settings, now: at(now))
            }
            guard let imposed else { Issue.record("no penalty at t=\(now)"); return }
            durations.append(imposed.duration)
            // Come back the moment the penalty ends.
            now += Double(imposed.duration.components.seconds) + 0.5
            #expect(!book.isPenalised("203.0.113.9", settings: settings, now: at(now)))
        }
        #expect(durations.prefix(5) == [.seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(320)],
                "the first penalty is what accumulated past the first that crossed min; then it doubles: \(durations)")
        #expect(durations.suffix(3).allSatisfy { $0 == .seconds(600) })
    }

    @Test func strikesAreForgottenAfterAQuietSpell() {
        let book = PenaltyBook()
        for _ in 0..<2 { _ = book.record(.graceExceeded, from: "203.0.113.9", settings: settings, now: at(0)) }
        let later = 20.0 + 601
        var again: ImposedPenalty?
        for _ in 0..<2 { again = book.record(.graceExceeded, from: "203.0.113.9", settings: settings, now: at(later)) ?? again }
        #expect(again?.strike == 1 && again?.duration == .seconds(20))
    }

    @Test func connectionsLetInBeforeThePenaltyLengthenItWithoutAnotherEvent() {
        let book = PenaltyBook()
        for _ in 0..<2 { _ = book.record(.graceExceeded, from: "203.0.113.9", settings: settings, now: at(0)) }
        #expect(book.record(.authenticationFailure, from: "203.0.113.9", settings: settings, now: at(1)) == nil)
        #expect(book.isPenalised("203.0.113.9", settings: settings, now: at(24)))
        #expect(!book.isPenalised("203.0.113.9", settings: settings, now: at(25.1)))
    }

    @Test func exemptNetworksAndDisabledPenaltiesAreNeverPenalised() throws {
        var exempting = settings
        exempting.exempt = [try CIDR(parsing: "10.0.0.0/8"), try CIDR(parsing: "2001:db8::/32")]
        var disabled = settings
        disabled.enabled = false
        let book = PenaltyBook()
        for _ in 0..<10 {
            #expect(book.record(.graceExceeded, from: "10.1.2.3", settings: exempting, now: at(0)) == nil)
            #expect(book.record(.graceExceeded, from: "2001:db8::5", settings: exempting, now: at(0)) == nil)
            #expect(book.record(.graceExceeded, from: "192.0.2.1", settings: disabled, now: at(0)) == nil)
        }
        #expect(!book.isPenalised("10.1.2.3", settings: exempting, now: at(1)))
        #expect(book.sourceCount == 0)
    }

    @Test func ipv6SourcesArePenalisedBySlash64AndMappedIPv4AsIPv4() {
        let book = PenaltyBook()
        var imposed: ImposedPenalty?
        for index in 0..<2 {
            imposed = book.record(.graceExceeded, from: "2001:db8:1:2::\(index + 1)", settings: settings, now: at(0)) ?? imposed
        }
        #expect(imposed?.source == "2001:db8:1:2::/64")
        #expect(book.isPenalised("2001:db8:1:2:ffff::9", settings: settings, now: at(1)))
        #expect(!book.isPenalised("2001:db8:1:3::1", settings: settings, now: at(1)))
        for _ in 0..<2 { _ = book.record(.graceExceeded, from: "::ffff:192.0.2.44", settings: settings, now: at(0)) }
        #expect(book.isPenalised("192.0.2.44", settings: settings, now: at(1)))
    }

    @Test func theBookIsBoundedAndKeepsPenalisedSourcesWhenFull() {
        var small = settings
        small.maxSources = 100
        let book = PenaltyBook()
        for _ in 0..<2 { _ = book.record(.graceExceeded, from: "192.0.2.1", settings: small, now: at(0)) }
        for index in 0..<1000 {
            _ = book.record(.noAuthentication, from: "198.51.\(index / 256).\(index % 256)", settings: small, now: at(1))
        }
        #expect(book.sourceCount <= 100)
        #expect(book.isPenalised("192.0.2.1", settings: small, now: at(2)))
    }

    @Test func unparsableAddressesAreIgnored() {
        let book = PenaltyBook()
        #expect(book.record(.graceExceeded, from: "not an address", settings: settings, now: at(0)) == nil)
        #expect(!book.isPenalised("not an address", settings: settings, now: at(0)))
    }
}

@Suite("PenaltyBook: penalties adopted from other nodes")
struct PenaltyBookAdoptionTests {
    private let settings = Defaults.penalties
    private let start = ContinuousClock.now

    private func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    @Test func anAdoptedPenaltyClosesTheSourceUntilItsEnd() {
        let book = PenaltyBook()
        #expect(book.adopt(source: "192.0.2.7", until: at(10), strike: 1, settings: settings, now: at(0)))
        #expect(book.isPenalised("192.0.2.7", settings: settings, now: at(5)))
        #expect(!book.isPenalised("192.0.2.8", settings: settings, now: at(5)))
        #expect(!book.isPenalised("192.0.2.7", settings: settings, now: at(10.1)))
    }

    @Test func adoptingAgainOrAnEarlierEndChangesNothing() {
        let book = PenaltyBook()
        #expect(book.adopt(source: "192.0.2.7", until: at(10), strike: 1, settings: settings, now: at(0)))
        #expect(!book.adopt(source: "192.0.2.7", until: at(10), strike: 1, settings: settings, now: at(1)))
        #expect(!book.adopt(source: "192.0.2.7", until: at(5), strike: 1, settings: settings, now: at(1)))
        #expect(book.isPenalised("192.0.2.7", settings: settings, now: at(9)))
        #expect(book.adopt(source: "192.0.2.7", until: at(20), strike: 2, settings: settings, now: at(2)))
        #expect(book.isPenalised("192.0.2.7", settings: settings, now: at(19)))
    }

    @Test func aPenaltyThatHasEndedIsNotAdoptedAndExemptOrDisabledStillWin() throws {
        let book = PenaltyBook()
        #expect(!book.adopt(source: "192.0.2.7", until: at(0), strike: 1, settings: settings, now: at(1)))
        #expect(!book.isPenalised("192.0.2.7", settings: settings, now: at(1)))
        #expect(book.adopt(source: "192.0.2.9", until: at(10), strike: 1, settings: settings, now: at(0)))
        var disabled = settings
        disabled.enabled = false
        #expect(!book.isPenalised("192.0.2.9", settings: disabled, now: at(1)))
    }

    @Test func aSourceAdoptedAsARepeatOffenderGetsALongerPenaltyHereNext() {
        let book = PenaltyBook()
        #expect(book.adopt(source: "192.0.2.7", until: at(15), strike: 1, settings: settings, now: at(0)))
        // After its end, failures here penalise it as a second strike (doubled).
        var imposed: ImposedPenalty?
        for second in 16..<20 where imposed == nil {
            imposed = book.record(.authenticationFailure, from: "192.0.2.7", settings: settings, now: at(Double(second)))
        }
        #expect(imposed?.strike == 2, "\(String(describing: imposed))")
    }
}
