import Audit
import Foundation

/// The `SecondFactorStore` of a clustered node: every node reads and writes the same rows in
/// PostgreSQL (migration 0004), so an engineer enrolled through one node gives her code on
/// any node, a code accepted on one node is a replay on all of them, and a reset made through
/// one node applies at the next login everywhere. `Gateway` sees only `SecondFactorStore`.
///
/// Unlike locks, no copy of the state is kept in memory: a login reads the rows when it needs
/// them, so there is nothing to bring up to date (only the names of the enrolled users, see
/// below, follow the feed's notifications). Unlike locks too, nothing
/// falls back to the node's own file while PostgreSQL is unreachable: a node that answered
/// from a copy could accept a code already spent elsewhere, or a secret reset elsewhere. The
/// second factor fails closed instead (`SecondFactorError.sharedState`; the login is refused
/// with one line and an `mfa.attempt` event, as for any store failure). One exception, which
/// opens nothing: a user the feed last read as not enrolled is answered "not enrolled" (see
/// `KnownEnrolments`), so that what needs no code of them still works.
///
/// Called on the SSH connection's own thread (and a command's main thread), never on Swift's
/// cooperative pool; each call waits a few seconds at most (see `PostgresConnectionPool`).
/// Secrets are sealed here, with the node's `SecretSealer` (the same key file on every
/// node), before they leave the process: PostgreSQL holds only sealed bytes.
package final class ClusteredSecondFactorStore: SecondFactorStore {
    private let node: String
    private let sealer: SecretSealer
    private let pool: PostgresConnectionPool
    /// The feed's list of enrolled users; nil for a command (no feed): it only fails.
    private let known: KnownEnrolments?

    /// Someone waits at a prompt: a down or unreachable server must answer within seconds.
    private static let connectTimeoutSeconds = 3
    private static let statementTimeoutMilliseconds = 3_000
    private static let tcpUserTimeoutMilliseconds = 5_000

    package convenience init(feed: ClusterStateFeed, sealer: SecretSealer) {
        self.init(node: feed.node, endpoint: feed.endpoint, sealer: sealer, known: feed.knownEnrolments)
    }

    package init(node: String, endpoint: PostgresEndpoint, sealer: SecretSealer, known: KnownEnrolments? = nil) {
        self.node = node
        self.sealer = sealer
        self.known = known
        var bounded = endpoint
        bounded.connectTimeoutSeconds = Self.connectTimeoutSeconds
        bounded.tcpUserTimeoutMilliseconds = Self.tcpUserTimeoutMilliseconds
        pool = PostgresConnectionPool(endpoint: bounded, statementTimeoutMilliseconds: Self.statementTimeoutMilliseconds) {
            connection in
            // A database migrated by an older tracegate has no second-factor tables: say so
            // rather than "relation does not exist".
            let version = try PostgresMigrator.version(of: connection)
            guard version >= SharedSecondFactorTable.schemaVersion else {
                throw SecondFactorError.sharedState(
                    "the schema has version \(version), the second factor needs \(SharedSecondFactorTable.schemaVersion): run `tracegate cluster migrate`")
            }
        }
    }

    package func enrolment(of user: String) throws(SecondFactorError) -> SecondFactorEnrolment? {
        let found: SharedSecondFactorTable.SecretRow?
        do {
            found = try table { try $0.secret(of: user) }
        } catch {
            if known?.isEnrolled(user) == false { return nil }
            throw error
        }
        guard let row = found else { return nil }
        return SecondFactorEnrolment(
            secret: try sealer.unseal(row.sealed, for: user),
            enrolledAt: Self.date(row.enrolledAt) ?? Date(timeIntervalSince1970: 0),
            lastUsedAt: Self.date(row.lastUsedAt),
            lastStep: row.lastStep)
    }

    package func accept(step: Int64, for user: String, at time: Date) throws(SecondFactorError) -> Bool {
        try table { try $0.accept(step: step, for: user, at: Self.text(time)) }
    }

    package func reset(_ user: String, windowClosesAt closes: Date, by operatorName: String, at time: Date)
        throws(SecondFactorError) -> Bool
    {
        try table { try $0.reset(user, opensAt: Self.text(time), closesAt: Self.text(closes), by: operatorName) }
    }

    package func remove(_ user: String) throws(SecondFactorError) -> Bool {
        try table { try $0.remove(user) }
    }

    package func enrolmentWindow(of user: String, at time: Date) throws(SecondFactorError) -> EnrolmentWindow? {
        guard let window = try table({ try $0.window(of: user) }), let opened = Self.date(window.opened),
              let closes = Self.date(window.closes), closes > time else { return nil }
        return EnrolmentWindow(openedAt: opened, closesAt: closes, openedBy: window.openedBy)
    }

    package func enrol(_ user: String, secret: [UInt8], confirmedStep step: Int64, at time: Date)
        throws(SecondFactorError) -> Bool
    {
        let sealed = try sealer.seal(secret, for: user)
        return try table { try $0.enrol(user, sealed: sealed, confirmedStep: step, at: Self.text(time)) }
    }

    package func recordVerification(of user: String, from source: String, connectionID: String, at time: Date)
        throws(SecondFactorError)
    {
        try table { try $0.recordVerification(of: user, from: source, connectionID: connectionID, at: Self.text(time)) }
    }

    package func lastVerification(of user: String, from source: String) throws(SecondFactorError)
        -> SecondFactorVerification?
    {
        guard let last = try table({ try $0.lastVerification(of: user, from: source) }),
              let verified = Self.date(last.verifiedAt) else { return nil }
        return SecondFactorVerification(verifiedAt: verified, connectionID: last.connectionID)
    }

    package func listing(at time: Date) throws(SecondFactorError) -> [SecondFactorListing] {
        let rows = try table { try $0.listing() }
        var listings: [String: SecondFactorListing] = [:]
        for row in rows {
            var listing = listings[row.user] ?? SecondFactorListing(user: row.user)
            listing.enrolledAt = Self.date(row.enrolledAt) ?? listing.enrolledAt
            listing.lastUsedAt = Self.date(row.lastUsedAt) ?? listing.lastUsedAt
            if let closes = Self.date(row.closesAt), closes > time { listing.windowClosesAt = closes }
            listings[row.user] = listing
        }
        return listings.values.filter { $0.enrolledAt != nil || $0.windowClosesAt != nil }.sorted { $0.user < $1.user }
    }

    /// Runs `body` on a pooled connection; every failure becomes `.sharedState` with the
    /// server's or libpq's reason (never a secret: statements carry sealed bytes only, and
    /// libpq's messages do not echo parameters).
    private func table<T>(_ body: (SharedSecondFactorTable) throws -> T) throws(SecondFactorError) -> T {
        do {
            return try pool.withConnection { connection in
                try body(SharedSecondFactorTable(node: node, connection: connection))
            }
        } catch let error as SecondFactorError {
            throw error
        } catch {
            throw .sharedState("\(error)")
        }
    }

    /// The chain's own time text (UTC, microseconds, fixed width), as in the SQLite store.
    static func text(_ date: Date) -> String {
        AuditTimestamp(secondsSinceEpoch: date.timeIntervalSince1970).iso8601
    }

    static func date(_ text: String?) -> Date? {
        guard let text, let timestamp = AuditTimestamp(iso8601: text) else { return nil }
        return Date(timeIntervalSince1970: Double(timestamp.microsecondsSinceEpoch) / 1_000_000)
    }
}
