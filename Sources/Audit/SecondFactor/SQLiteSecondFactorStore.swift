import Foundation
internal import GRDB

/// `SecondFactorStore` in audit.db (tables of migration 0009), on the store's single writer
/// connection: each call is one short immediate transaction, committed durably before it
/// returns, so a code accepted on one connection is a replay on the next.
package final class SQLiteSecondFactorStore: SecondFactorStore {
    private let store: AuditStore
    private let sealer: SecretSealer

    package init(store: AuditStore, sealer: SecretSealer) {
        self.store = store
        self.sealer = sealer
    }

    package func enrolment(of user: String) throws(SecondFactorError) -> SecondFactorEnrolment? {
        let row = try read { db in
            try Row.fetchOne(db, sql: """
                SELECT sealed_secret, enrolled_at, last_used_at, last_step FROM second_factor_secrets WHERE user = ?
                """, arguments: [user])
        }
        guard let row else { return nil }
        let sealed: Data = row["sealed_secret"]
        return SecondFactorEnrolment(
            secret: try sealer.unseal(Array(sealed), for: user),
            enrolledAt: Self.date(row["enrolled_at"]) ?? Date(timeIntervalSince1970: 0),
            lastUsedAt: Self.date(row["last_used_at"]),
            lastStep: row["last_step"])
    }

    package func accept(step: Int64, for user: String, at time: Date) throws(SecondFactorError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE second_factor_secrets SET last_step = ?, last_used_at = ?
                WHERE user = ? AND (last_step IS NULL OR last_step < ?)
                """, arguments: [step, Self.text(time), user, step])
            return db.changesCount == 1
        }
    }

    package func reset(_ user: String, windowClosesAt closes: Date, by operatorName: String, at time: Date)
        throws(SecondFactorError) -> Bool
    {
        try write { db in
            try db.execute(sql: "DELETE FROM second_factor_secrets WHERE user = ?", arguments: [user])
            let removed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM second_factor_verifications WHERE user = ?", arguments: [user])
            try db.execute(sql: """
                INSERT INTO second_factor_enrolment_windows (user, opened_at, closes_at, opened_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (user) DO UPDATE SET opened_at = excluded.opened_at, closes_at = excluded.closes_at,
                    opened_by = excluded.opened_by
                """, arguments: [user, Self.text(time), Self.text(closes), operatorName])
            return removed
        }
    }

    package func remove(_ user: String) throws(SecondFactorError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM second_factor_secrets WHERE user = ?", arguments: [user])
            var removed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM second_factor_enrolment_windows WHERE user = ?", arguments: [user])
            removed = removed || db.changesCount > 0
            try db.execute(sql: "DELETE FROM second_factor_verifications WHERE user = ?", arguments: [user])
            return removed
        }
    }

    package func enrolmentWindow(of user: String, at time: Date) throws(SecondFactorError) -> EnrolmentWindow? {
        let row = try read { db in
            try Row.fetchOne(db, sql: """
                SELECT opened_at, closes_at, opened_by FROM second_factor_enrolment_windows WHERE user = ?
                """, arguments: [user])
        }
        guard let row, let opened = Self.date(row["opened_at"]), let closes = Self.date(row["closes_at"]),
              closes > time else { return nil }
        return EnrolmentWindow(openedAt: opened, closesAt: closes, openedBy: row["opened_by"])
    }

    package func enrol(_ user: String, secret: [UInt8], confirmedStep step: Int64, at time: Date)
        throws(SecondFactorError) -> Bool
    {
        let sealed = try sealer.seal(secret, for: user)
        return try write { db in
            let closes = try String.fetchOne(db, sql: """
                SELECT closes_at FROM second_factor_enrolment_windows WHERE user = ?
                """, arguments: [user])
            guard let closes = closes.flatMap(Self.date), closes > time else { return false }
            try db.execute(sql: "DELETE FROM second_factor_enrolment_windows WHERE user = ?", arguments: [user])
            try db.execute(sql: """
                INSERT INTO second_factor_secrets (user, sealed_secret, enrolled_at, last_used_at, last_step)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user) DO UPDATE SET sealed_secret = excluded.sealed_secret,
                    enrolled_at = excluded.enrolled_at, last_used_at = excluded.last_used_at, last_step = excluded.last_step
                """, arguments: [user, Data(sealed), Self.text(time), Self.text(time), step])
            return true
        }
    }

    package func recordVerification(of user: String, from source: String, connectionID: String, at time: Date)
        throws(SecondFactorError)
    {
        try write { db in
            try db.execute(sql: """
                INSERT INTO second_factor_verifications (user, source_address, verified_at, connection_id)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (user, source_address) DO UPDATE SET verified_at = excluded.verified_at,
                    connection_id = excluded.connection_id
                """, arguments: [user, source, Self.text(time), connectionID])
        }
    }

    package func lastVerification(of user: String, from source: String) throws(SecondFactorError)
        -> SecondFactorVerification?
    {
        let row = try read { db in
            try Row.fetchOne(db, sql: """
                SELECT verified_at, connection_id FROM second_factor_verifications WHERE user = ? AND source_address = ?
                """, arguments: [user, source])
        }
        guard let row, let verified = Self.date(row["verified_at"]) else { return nil }
        return SecondFactorVerification(verifiedAt: verified, connectionID: row["connection_id"])
    }

    package func listing(at time: Date) throws(SecondFactorError) -> [SecondFactorListing] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT user, enrolled_at, last_used_at, NULL AS closes_at FROM second_factor_secrets
                UNION ALL
                SELECT user, NULL, NULL, closes_at FROM second_factor_enrolment_windows
                ORDER BY user
                """)
        }
        var listings: [String: SecondFactorListing] = [:]
        for row in rows {
            let user: String = row["user"]
            var listing = listings[user] ?? SecondFactorListing(user: user)
            listing.enrolledAt = Self.date(row["enrolled_at"]) ?? listing.enrolledAt
            listing.lastUsedAt = Self.date(row["last_used_at"]) ?? listing.lastUsedAt
            if let closes = Self.date(row["closes_at"]), closes > time { listing.windowClosesAt = closes }
            listings[user] = listing
        }
        return listings.values.filter { $0.enrolledAt != nil || $0.windowClosesAt != nil }.sorted { $0.user < $1.user }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(SecondFactorError) -> T {
        do { return try store.read(body) } catch { throw .store(error) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(SecondFactorError) -> T {
        do { return try store.write(body) } catch { throw .store(error) }
    }

    static func text(_ date: Date) -> String {
        AuditTimestamp(secondsSinceEpoch: date.timeIntervalSince1970).iso8601
    }

    static func date(_ text: String?) -> Date? {
        guard let text, let timestamp = AuditTimestamp(iso8601: text) else { return nil }
        return Date(timeIntervalSince1970: Double(timestamp.microsecondsSinceEpoch) / 1_000_000)
    }
}
