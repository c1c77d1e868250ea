import Audit

/// The statements on the cluster's second-factor tables (migration 0004) for one node, on one
/// connection. Every check that guards a write is part of the write itself (a conditional
/// UPDATE, a DELETE … RETURNING), never a read followed by a write: two nodes answering at
/// the same moment cannot both pass it. Secrets arrive here sealed and leave sealed.
///
/// A change of who is enrolled (enrolment, reset, removal) notifies `tracegate_state` with
/// `mfa:USER` in its transaction: each node's feed keeps the names of the enrolled users (never
/// their secrets) to answer "not enrolled" for the others while PostgreSQL is unreachable.
struct SharedSecondFactorTable {
    let node: String
    let connection: PostgresConnection

    /// The schema version that has the second-factor tables.
    static let schemaVersion = 4

    struct SecretRow {
        var sealed: [UInt8]
        var enrolledAt: String
        var lastUsedAt: String?
        var lastStep: Int64?
    }

    func secret(of user: String) throws -> SecretRow? {
        let rows = try connection.execute("""
            SELECT sealed_secret, enrolled_at, last_used_at, last_step FROM second_factor_secrets WHERE "user" = $1
            """, [user]).rows
        guard let row = rows.first, row.count == 4, let sealed = row[0].flatMap(PostgresBytes.decode),
              let enrolled = row[1] else { return nil }
        return SecretRow(sealed: sealed, enrolledAt: enrolled, lastUsedAt: row[2], lastStep: row[3].flatMap { Int64($0) })
    }

    /// One conditional UPDATE: PostgreSQL locks the row, and a second node updating it at the
    /// same moment waits, then re-checks `last_step` against the committed value and changes
    /// nothing. True only for the node whose update touched the row.
    func accept(step: Int64, for user: String, at time: String) throws -> Bool {
        try connection.execute("""
            UPDATE second_factor_secrets SET last_step = $2, last_used_at = $3
            WHERE "user" = $1 AND (last_step IS NULL OR last_step < $2)
            """, [user, String(step), time]).affected == 1
    }

    /// Removes the secret and the reuse rows, opens (or moves) the window; whether a secret went.
    func reset(_ user: String, opensAt opened: String, closesAt closes: String, by operatorName: String) throws -> Bool {
        try connection.transaction {
            let removed = try connection.execute(#"DELETE FROM second_factor_secrets WHERE "user" = $1"#, [user]).affected > 0
            try connection.execute(#"DELETE FROM second_factor_verifications WHERE "user" = $1"#, [user])
            try connection.execute("""
                INSERT INTO second_factor_enrolment_windows ("user", opened_at, closes_at, opened_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT ("user") DO UPDATE SET opened_at = excluded.opened_at, closes_at = excluded.closes_at,
                    opened_by = excluded.opened_by
                """, [user, opened, closes, operatorName])
            try notify(user)
            return removed
        }
    }

    func remove(_ user: String) throws -> Bool {
        try connection.transaction {
            let secret = try connection.execute(#"DELETE FROM second_factor_secrets WHERE "user" = $1"#, [user]).affected
            let window = try connection.execute(#"DELETE FROM second_factor_enrolment_windows WHERE "user" = $1"#, [user]).affected
            try connection.execute(#"DELETE FROM second_factor_verifications WHERE "user" = $1"#, [user])
            try notify(user)
            return secret + window > 0
        }
    }

    /// (opened_at, closes_at, opened_by) of the user's window, open or not.
    func window(of user: String) throws -> (opened: String, closes: String, openedBy: String)? {
        let rows = try connection.execute("""
            SELECT opened_at, closes_at, opened_by FROM second_factor_enrolment_windows WHERE "user" = $1
            """, [user]).rows
        guard let row = rows.first, row.count == 3, let opened = row[0], let closes = row[1], let by = row[2] else { return nil }
        return (opened, closes, by)
    }

    /// Claims the open window (the DELETE succeeds for one enrolment only, on whichever node)
    /// and stores the sealed secret in the same transaction. False if no window was open.
    func enrol(_ user: String, sealed: [UInt8], confirmedStep step: Int64, at time: String) throws -> Bool {
        try connection.transaction {
            let claimed = try connection.execute("""
                DELETE FROM second_factor_enrolment_windows WHERE "user" = $1 AND closes_at > $2
                """, [user, time]).affected == 1
            guard claimed else { return false }
            try connection.execute("""
                INSERT INTO second_factor_secrets ("user", sealed_secret, enrolled_at, enrolled_node, last_used_at, last_step)
                VALUES ($1, $2::bytea, $3, $4, $3, $5)
                ON CONFLICT ("user") DO UPDATE SET sealed_secret = excluded.sealed_secret, enrolled_at = excluded.enrolled_at,
                    enrolled_node = excluded.enrolled_node, last_used_at = excluded.last_used_at, last_step = excluded.last_step
                """, [user, PostgresBytes.encode(sealed), time, node, String(step)])
            try notify(user)
            return true
        }
    }

    func recordVerification(of user: String, from source: String, connectionID: String, at time: String) throws {
        try connection.execute("""
            INSERT INTO second_factor_verifications ("user", source_address, verified_at, connection_id, node)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT ("user", source_address) DO UPDATE SET verified_at = excluded.verified_at,
                connection_id = excluded.connection_id, node = excluded.node
            """, [user, source, time, connectionID, node])
    }

    /// (verified_at, connection_id) of the last good code of `user` from `source`.
    func lastVerification(of user: String, from source: String) throws -> (verifiedAt: String, connectionID: String)? {
        let rows = try connection.execute("""
            SELECT verified_at, connection_id FROM second_factor_verifications WHERE "user" = $1 AND source_address = $2
            """, [user, source]).rows
        guard let row = rows.first, row.count == 2, let verified = row[0], let connection = row[1] else { return nil }
        return (verified, connection)
    }

    /// Every secret and every window: (user, enrolled_at, last_used_at, closes_at), by user.
    func listing() throws -> [(user: String, enrolledAt: String?, lastUsedAt: String?, closesAt: String?)] {
        try connection.execute("""
            SELECT "user", enrolled_at, last_used_at, NULL AS closes_at FROM second_factor_secrets
            UNION ALL
            SELECT "user", NULL, NULL, closes_at FROM second_factor_enrolment_windows
            ORDER BY 1
            """).rows.compactMap { row in
            guard row.count == 4, let user = row[0] else { return nil }
            return (user, row[1], row[2], row[3])
        }
    }

    /// The names of every enrolled user (what the feed keeps; no secret).
    func enrolledUsers() throws -> Set<String> {
        Set(try connection.execute(#"SELECT "user" FROM second_factor_secrets"#).rows.compactMap { $0.first ?? nil })
    }

    private func notify(_ user: String) throws {
        try connection.execute("SELECT pg_notify($1, $2)", [SharedStateChange.channel, SharedStateChange.secondFactor(user: user).payload])
    }
}
