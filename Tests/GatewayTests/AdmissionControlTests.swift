import Gateway
import Policy
import Testing

@Suite("AdmissionControl: handshake cap and random early drop")
struct AdmissionControlTests {
    private func limits(start: Int, rate: Int, full: Int) -> ConnectionLimits {
        var limits = Defaults.limits
        limits.earlyDropStart = start
        limits.earlyDropRate = rate
        limits.maxUnauthenticated = full
        return limits
    }

    @Test func theCurveRisesLinearlyFromRateAtStartToAllAtFull() {
        let curve = EarlyDrop(start: 10, rate: 30, full: 100)
        #expect(curve.refusalPercent(inFlight: 0) == 0)
        #expect(curve.refusalPercent(inFlight: 9) == 0)
        #expect(curve.refusalPercent(inFlight: 10) == 30)
        #expect(curve.refusalPercent(inFlight: 55) == 65)
        #expect(curve.refusalPercent(inFlight: 99) == 99)
        #expect(curve.refusalPercent(inFlight: 100) == 100)
        #expect(EarlyDrop(start: 64, rate: 30, full: 4).refusalPercent(inFlight: 3) == 0, "start above the cap: off")
    }

    @Test func defaultsLeaveRoomForAnsibleAndDropEarly() {
        let limits = Defaults.limits
        #expect(limits.maxUnauthenticated == 256 && limits.earlyDropStart == 64 && limits.earlyDropRate == 30)
        #expect(limits.maxChannelsPerConnection >= 32 && limits.maxSessionsPerUser >= 100)
    }

    /// Fills the gateway to `inFlight` handshakes from one source, then asks `trials` times for
    /// one more from that source (each admitted one is closed again at once).
    private func refusedFraction(inFlight: Int, trials: Int, seed: UInt64, curve: ConnectionLimits) -> Double {
        let admission = AdmissionControl(random: SeededGenerator(seed: seed))
        let filling = limits(start: Int.max / 2, rate: 30, full: Int.max / 2)
        for _ in 0..<inFlight { #expect(admission.admit(source: "198.51.100.1", limits: filling) == .admitted) }
        var refused = 0
        for _ in 0..<trials {
            switch admission.admit(source: "198.51.100.1", limits: curve) {
            case .admitted: admission.closed(source: "198.51.100.1", wasAuthenticated: false)
            case .earlyDrop: refused += 1
            case .full: Issue.record("hard cap reached below it")
            }
        }
        return Double(refused) / Double(trials)
    }

    @Test(arguments: [(10, 0.0), (20, 0.30), (55, 0.60), (90, 0.91)])
    func earlyDropRefusesWithTheCurvesProbability(inFlight: Int, expected: Double) {
        let limits = limits(start: 20, rate: 30, full: 100)
        let fraction = refusedFraction(inFlight: inFlight, trials: 20_000, seed: 42, curve: limits)
        let curve = Double(EarlyDrop(limits: limits).refusalPercent(inFlight: inFlight)) / 100
        #expect(abs(fraction - curve) < 0.015, "\(inFlight) in flight: refused \(fraction), curve \(curve)")
        #expect(abs(curve - expected) < 0.011)
    }

    @Test func theSameSeedGivesTheSameDecisions() {
        let limits = limits(start: 5, rate: 30, full: 50)
        func run() -> [AdmissionVerdict] {
            let admission = AdmissionControl(random: SeededGenerator(seed: 7))
            return (0..<3000).map { _ in admission.admit(source: "198.51.100.1", limits: limits) }
        }
        let first = run()
        #expect(first == run())
        #expect(first.contains(.earlyDrop) && first.contains(.full))
        #expect(first.filter(\.isAdmitted).count == 50, "admitted until the cap, never beyond")
    }

    @Test func aSourcesFirstHandshakeIsRefusedOnlyAtTheCap() {
        let limits = limits(start: 2, rate: 100, full: 10)
        let admission = AdmissionControl(random: SeededGenerator(seed: 1))
        #expect(admission.admit(source: "203.0.113.1", limits: limits) == .admitted)
        #expect(admission.admit(source: "203.0.113.1", limits: limits) == .admitted)
        // From start on, rate 100 %: the flooding source is refused...
        #expect(admission.admit(source: "203.0.113.1", limits: limits) == .earlyDrop)
        // ...while new sources still get in, up to the hard cap.
        for index in 0..<8 { #expect(admission.admit(source: "192.0.2.\(index)", limits: limits) == .admitted) }
        #expect(admission.unauthenticatedConnections == 10)
        #expect(admission.admit(source: "127.0.0.1", limits: limits) == .full)
        admission.authenticated(source: "192.0.2.0")
        #expect(admission.admit(source: "127.0.0.1", limits: limits) == .admitted)
        #expect(admission.unauthenticatedConnections(from: "192.0.2.0") == 0)
        #expect(admission.liveConnections == 11)
        admission.closed(source: "192.0.2.0", wasAuthenticated: true)
        admission.closed(source: "127.0.0.1", wasAuthenticated: false)
        #expect(admission.liveConnections == 9 && admission.unauthenticatedConnections == 9)
    }
}

@Suite("UserSessions: sessions per user across connections")
struct UserSessionsTests {
    @Test func countsPerUserAndReleasesOnClose() {
        let sessions = UserSessions()
        #expect(sessions.open("s-1", user: "alice", limit: 2))
        #expect(sessions.open("s-2", user: "alice", limit: 2))
        #expect(!sessions.open("s-3", user: "alice", limit: 2))
        #expect(sessions.open("s-4", user: "bob", limit: 2))
        sessions.close("s-3")  // never counted: no effect
        #expect(sessions.count(for: "alice") == 2)
        sessions.close("s-1")
        sessions.close("s-1")  // idempotent
        #expect(sessions.count(for: "alice") == 1)
        #expect(sessions.open("s-5", user: "alice", limit: 2))
    }
}
