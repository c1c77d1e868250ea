import Audit
import ClusterStore
import Dispatch
import Foundation
import Synchronization
import Testing
import TestSupport

/// The cluster's second-factor rows against a real PostgreSQL, with two stores standing for
/// two nodes: what one enrols the other opens, and a code step or an enrolment window is
/// claimed once however many nodes try at the same moment. The calls block on libpq, so the
/// racers are OS threads (`concurrentPerform`), as the gateway's connection threads are.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ClusteredSecondFactorStoreTests {
    private static let secret: [UInt8] = Array("12345678901234567890".utf8)

    private func stores() async throws -> (PostgreSQLServer, ClusteredSecondFactorStore, ClusteredSecondFactorStore, TemporaryDirectory) {
        let postgres = try await PostgreSQLServer.start()
        let url = try await postgres.createDatabase("mfa")
        let endpoint = PostgresEndpoint(url: url, password: postgres.password)
        _ = try PostgresMigrator().migrate(try PostgresConnection(endpoint))
        let state = try TemporaryDirectory(prefix: "tracegate-mfa-key")
        // One key for both "nodes", as every node of a cluster has the same keys/mfa_secret_key.
        let sealer = try SecretSealer.loadOrCreate(stateDirectory: state.path)
        return (postgres, ClusteredSecondFactorStore(node: "gw-1", endpoint: endpoint, sealer: sealer),
                ClusteredSecondFactorStore(node: "gw-2", endpoint: endpoint, sealer: sealer), state)
    }

    /// Runs `body` on `count` OS threads at once; the number of them that returned true.
    private func race(_ count: Int, _ body: @Sendable (Int) -> Bool) -> Int {
        let wins = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            if body(index) { wins.add(1, ordering: .relaxed) }
        }
        return wins.load(ordering: .relaxed)
    }

    @Test func whatOneNodeEnrolsTheOtherOpensAndEachStepAndWindowIsClaimedOnce() async throws {
        let (postgres, first, second, state) = try await stores()
        defer { _ = state }
        let now = Date()
        #expect(try first.reset("bob", windowClosesAt: now.addingTimeInterval(600), by: "operator", at: now) == false)
        #expect(try second.enrolmentWindow(of: "bob", at: now)?.openedBy == "operator")

        // Both nodes confirm an enrolment in the same window at once: one stores its secret.
        let enrolled = race(8) { index in
            (try? (index % 2 == 0 ? first : second).enrol("bob", secret: Self.secret, confirmedStep: 100, at: now)) == true
        }
        #expect(enrolled == 1)
        #expect(try first.enrolmentWindow(of: "bob", at: now) == nil)

        // gw-2 opens what gw-1 sealed; PostgreSQL has only the sealed bytes.
        let enrolment = try #require(try second.enrolment(of: "bob"))
        #expect(enrolment.secret == Self.secret && enrolment.lastStep == 100)
        let stored = try await postgres.query(#"SELECT encode(sealed_secret, 'hex') FROM second_factor_secrets WHERE "user" = 'bob'"#,
                                              database: "mfa")
        let hex = Self.secret.map { String(format: "%02x", $0) }.joined()
        #expect(stored.count == 1 && !stored[0].contains(hex) && stored[0].count == 2 * (Self.secret.count + 28), "\(stored)")

        // The confirming step and older ones are spent; the next one is accepted once, on one node.
        #expect(try second.accept(step: 100, for: "bob", at: now) == false)
        let accepted = race(16) { index in
            (try? (index % 2 == 0 ? first : second).accept(step: 101, for: "bob", at: now)) == true
        }
        #expect(accepted == 1)
        #expect(try first.accept(step: 101, for: "bob", at: now) == false)

        // A reset on gw-2 ends the factor for gw-1 at once.
        #expect(try second.remove("bob") == true)
        #expect(try first.enrolment(of: "bob") == nil)
        try await postgres.stop()
    }

    @Test func anUnreachableServerIsASharedStateErrorWithinSeconds() throws {
        let state = try TemporaryDirectory(prefix: "tracegate-mfa-key")
        let store = ClusteredSecondFactorStore(
            node: "gw-1", endpoint: PostgresEndpoint(url: "postgresql://tracegate@127.0.0.1:1/none", password: nil),
            sealer: try SecretSealer.loadOrCreate(stateDirectory: state.path))
        let started = ContinuousClock.now
        #expect(throws: SecondFactorError.self) { try store.enrolment(of: "bob") }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
