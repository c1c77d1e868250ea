import Foundation
import GRDB
import Testing
@testable import Audit

/// The SQLite second-factor store on a real audit.db and a real key file.
@Suite("Second-factor store")
struct SecondFactorStoreTests {
    private func open(_ directory: TemporaryDirectory) throws -> (AuditStore, SQLiteSecondFactorStore) {
        let store = try AuditStore.open(path: directory.databasePath)
        let sealer = try SecretSealer.loadOrCreate(stateDirectory: directory.path + "/state")
        return (store, SQLiteSecondFactorStore(store: store, sealer: sealer))
    }

    private let secret: [UInt8] = Array("12345678901234567890".utf8)
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func enrolmentNeedsAnOpenWindowAndClosesIt() throws {
        let directory = try TemporaryDirectory()
        let (_, factors) = try open(directory)
        #expect(try factors.enrol("alice", secret: secret, confirmedStep: 10, at: now) == false)
        #expect(try factors.enrolment(of: "alice") == nil)
        #expect(try factors.reset("alice", windowClosesAt: now.addingTimeInterval(60), by: "root", at: now) == false)
        // A window that has closed does not count.
        #expect(try factors.enrol("alice", secret: secret, confirmedStep: 10, at: now.addingTimeInterval(61)) == false)
        #expect(try factors.enrol("alice", secret: secret, confirmedStep: 10, at: now.addingTimeInterval(30)))
        let enrolment = try #require(try factors.enrolment(of: "alice"))
        #expect(enrolment.secret == secret && enrolment.lastStep == 10)
        #expect(try factors.enrolmentWindow(of: "alice", at: now) == nil, "the window stays open after enrolment")
        // Reset removes the secret and opens a new window.
        #expect(try factors.reset("alice", windowClosesAt: now.addingTimeInterval(600), by: "root", at: now))
        #expect(try factors.enrolment(of: "alice") == nil)
        #expect(try factors.enrolmentWindow(of: "alice", at: now)?.openedBy == "root")
    }

    @Test func aStepIsAcceptedOnceAndOlderStepsAreReplays() throws {
        let directory = try TemporaryDirectory()
        let (_, factors) = try open(directory)
        _ = try factors.reset("bob", windowClosesAt: now.addingTimeInterval(60), by: "root", at: now)
        #expect(try factors.enrol("bob", secret: secret, confirmedStep: 100, at: now))
        #expect(try factors.accept(step: 100, for: "bob", at: now) == false)
        #expect(try factors.accept(step: 101, for: "bob", at: now))
        #expect(try factors.accept(step: 101, for: "bob", at: now) == false)
        #expect(try factors.accept(step: 99, for: "bob", at: now) == false)
        #expect(try factors.accept(step: 102, for: "bob", at: now))
        #expect(try factors.accept(step: 200, for: "nobody", at: now) == false)
    }

    @Test func verificationsAreKeptPerUserAndSource() throws {
        let directory = try TemporaryDirectory()
        let (_, factors) = try open(directory)
        try factors.recordVerification(of: "carol", from: "127.0.0.1", connectionID: "c-1", at: now)
        try factors.recordVerification(of: "carol", from: "127.0.0.1", connectionID: "c-2", at: now.addingTimeInterval(5))
        #expect(try factors.lastVerification(of: "carol", from: "127.0.0.1")?.connectionID == "c-2")
        #expect(try factors.lastVerification(of: "carol", from: "127.0.0.2") == nil)
        #expect(try factors.lastVerification(of: "dave", from: "127.0.0.1") == nil)
    }

    @Test func secretsAreSealedAndBoundToTheirUser() throws {
        let directory = try TemporaryDirectory()
        let (store, factors) = try open(directory)
        for user in ["alice", "bob"] {
            _ = try factors.reset(user, windowClosesAt: now.addingTimeInterval(60), by: "root", at: now)
            #expect(try factors.enrol(user, secret: secret, confirmedStep: 1, at: now))
        }
        let sealed = try store.read { db in try Data.fetchAll(db, sql: "SELECT sealed_secret FROM second_factor_secrets") }
        #expect(sealed.count == 2 && sealed.allSatisfy { $0.range(of: Data(secret)) == nil })
        // alice's sealed secret copied onto bob's row does not open as bob's.
        try store.write { db in
            try db.execute(sql: """
                UPDATE second_factor_secrets SET sealed_secret = (SELECT sealed_secret FROM second_factor_secrets WHERE user = 'alice')
                WHERE user = 'bob'
                """)
        }
        #expect(throws: SecondFactorError.self) { try factors.enrolment(of: "bob") }
        // Another gateway's key opens nothing.
        let other = try TemporaryDirectory()
        let stranger = SQLiteSecondFactorStore(store: store, sealer: try SecretSealer.loadOrCreate(stateDirectory: other.path))
        #expect(throws: SecondFactorError.self) { try stranger.enrolment(of: "alice") }
    }

    @Test func theKeyFileIsCreatedOwnerOnlyAndRefusedWhenOthersCanReadIt() throws {
        let directory = try TemporaryDirectory()
        let first = try SecretSealer.loadOrCreate(stateDirectory: directory.path)
        let path = SecretSealer.keyPath(stateDirectory: directory.path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.posixPermissions] as? Int == 0o600 && attributes[.size] as? Int == 32)
        let sealed = try first.seal(secret, for: "alice")
        // Loading again reads the same key.
        #expect(try SecretSealer.loadOrCreate(stateDirectory: directory.path).unseal(sealed, for: "alice") == secret)
        #expect(chmod(path, 0o644) == 0)
        #expect(throws: SecondFactorError.self) { try SecretSealer.loadOrCreate(stateDirectory: directory.path) }
    }

    @Test func listingShowsEnrolledUsersAndOpenWindows() throws {
        let directory = try TemporaryDirectory()
        let (_, factors) = try open(directory)
        _ = try factors.reset("alice", windowClosesAt: now.addingTimeInterval(60), by: "root", at: now)
        #expect(try factors.enrol("alice", secret: secret, confirmedStep: 1, at: now))
        _ = try factors.reset("bob", windowClosesAt: now.addingTimeInterval(60), by: "root", at: now)
        _ = try factors.reset("carol", windowClosesAt: now.addingTimeInterval(-1), by: "root", at: now)
        let listing = try factors.listing(at: now)
        #expect(listing.map(\.user) == ["alice", "bob"])
        #expect(listing[0].enrolledAt != nil && listing[0].windowClosesAt == nil)
        #expect(listing[1].enrolledAt == nil && listing[1].windowClosesAt != nil)
    }
}
