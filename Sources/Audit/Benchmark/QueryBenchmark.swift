internal import GRDB

/// Phases 2 and 3 of the load benchmark: bring the query tables to the size asked for, then
/// time the questions auditors ask, through the same code as `tracegate audit`.
package enum QueryBenchmark {
    package struct Timing: Sendable {
        package var name: String
        package var latency: LatencySummary
        package var averageRows: Double
    }

    /// Adds connection rows (and a session row for each allowed one) directly, until the
    /// table holds `total`, continuing the workload's numbering and time spread.
    ///
    /// Direct inserts, not events: writing 7 million events to reach 1 million connections
    /// would measure the writer again, not the queries. These rows therefore have no events
    /// behind them; the chain is untouched and still verifies. Use a scratch database.
    package static func fillConnections(
        store: AuditStore, upTo total: Int, workload: SyntheticWorkload, progress: (Int) -> Void
    ) throws(AuditError) -> Int {
        let existing = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM connections") ?? 0 }
        var number = existing
        while number < total {
            let end = min(number + 50_000, total)
            _ = try store.write { db in
                let connection = try db.makeStatement(sql: """
                    INSERT INTO connections (id, opened_at, closed_at, duration_ms, source_address, source_port,
                        client_version, user, organization, key_type, key_fingerprint, auth_attempts, target, target_owner,
                        target_labels, login, ticket, grant_name, result, reason, upstream_result, close_reason,
                        session_count, bytes_in, bytes_out, first_event_id, last_event_id)
                    VALUES (?, ?, ?, 4000, ?, 50000, 'SSH-2.0-OpenSSH_9.6', ?, ?, 'ssh-ed25519', ?, 1, ?, ?,
                        '{"env":"prod"}', ?, ?, ?, ?, ?, ?, 'client_quit', ?, 100, 2000, 0, 0)
                    ON CONFLICT (id) DO NOTHING
                    """)
                let session = try db.makeStatement(sql: """
                    INSERT INTO sessions (id, connection_id, opened_at, closed_at, duration_ms, user, organization, target,
                        target_owner, login, ticket, channel_type, command, exit_status, result, bytes_in, bytes_out,
                        first_event_id, last_event_id)
                    VALUES (?, ?, ?, ?, 2000, ?, ?, ?, ?, ?, ?, 'exec', 'uptime', 0, 'ok', 100, 2000, 0, 0)
                    ON CONFLICT (id) DO NOTHING
                    """)
                for current in number..<end {
                    let opened = workload.openingTime(current, of: total)
                    let id = workload.connectionID(current, openedAt: opened)
                    let closed = opened.adding(microseconds: 4_000_000).iso8601
                    let shape = workload.shape(current)
                    let allowed = shape == .allowed
                    let result: String = switch shape {
                    case .allowed: "allowed"
                    case .denied: "denied"
                    case .unknownKey: "unknown_key"
                    case .upstreamFailed: "failed"
                    }
                    let user = shape == .unknownKey ? nil : workload.user(current)
                    let organization = shape == .unknownKey ? nil : workload.organization(ofUser: current)
                    let target = workload.target(current)
                    let owner = SyntheticWorkload.organizations[current % workload.targetCount % 2]
                    let login = current % 4 == 0 ? "root" : "deploy"
                    let ticket = workload.ticket(current)
                    try connection.execute(arguments: [
                        id, opened.iso8601, closed, "10.\(current % 250).0.1", user, organization, "SHA256:key-\(user ?? "x")",
                        target, owner, login, ticket, allowed ? "grant-\(current % 12)" : nil, result,
                        shape == .denied ? "no grant" : nil, allowed ? "ok" : nil, allowed ? 1 : 0,
                    ])
                    if allowed {
                        try session.execute(arguments: [
                            "s" + id.dropFirst(), id, opened.adding(microseconds: 1_000_000).iso8601, closed, user,
                            organization, target, owner, login, ticket,
                        ])
                    }
                }
            }
            number = end
            progress(number)
        }
        // Give the planner real statistics, as `PRAGMA optimize` does on a long-lived database.
        _ = try store.write { db in try db.execute(sql: "ANALYZE") }
        return total - existing
    }

    /// Times each auditor question `runs` times with varied parameters.
    package static func run(
        store: AuditStore, workload: SyntheticWorkload, totalConnections: Int, now: AuditTimestamp, runs: Int
    ) throws(AuditError) -> [Timing] {
        var random = SeededGenerator(seed: 42)
        func someUser() -> String { workload.user(Int.random(in: 0..<workload.userCount, using: &random)) }
        func someConnection() -> Int { Int.random(in: 0..<totalConnections, using: &random) }
        func ago(_ hours: Int64) -> AuditTimestamp { now.adding(microseconds: -hours * 3_600_000_000) }
        let organization = SyntheticWorkload.organizations
        typealias Question = (name: String, ask: () throws -> Int)
        let questions: [Question] = [
            ("connections (newest 100)", {
                try store.records(in: .connections, matching: AuditFilter(limit: 100)).count }),
            ("connections --user U", {
                try store.records(in: .connections, matching: AuditFilter(user: someUser(), limit: 100)).count }),
            ("connections --user U --since 24h", {
                try store.records(in: .connections, matching: AuditFilter(since: ago(24), user: someUser())).count }),
            ("connections --org O --since 2h", {
                try store.records(in: .connections, matching: AuditFilter(
                    since: ago(2), organization: organization[Int.random(in: 0..<2, using: &random)], limit: 100)).count }),
            ("connections --target T --since 7d", {
                try store.records(in: .connections, matching: AuditFilter(
                    since: ago(168), target: workload.target(someConnection()), limit: 100)).count }),
            ("connections --ticket X", {
                try store.records(in: .connections, matching: AuditFilter(
                    ticket: workload.ticket(someConnection() / 10 * 10) ?? "INC-1", limit: 100)).count }),
            ("connections --result denied --since 24h", {
                try store.records(in: .connections, matching: AuditFilter(since: ago(24), result: "denied", limit: 100)).count }),
            ("connections --org O --result denied --user U", {
                let number = someConnection()
                return try store.records(in: .connections, matching: AuditFilter(
                    user: workload.user(number), organization: workload.organization(ofUser: number), result: "denied",
                    limit: 100)).count }),
            ("sessions --user U --since 7d", {
                try store.records(in: .sessions, matching: AuditFilter(since: ago(168), user: someUser(), limit: 100)).count }),
            ("show ID", {
                let number = someConnection()
                let id = workload.connectionID(number, openedAt: workload.openingTime(number, of: totalConnections))
                return try store.connectionDetail(id: id).events.count }),
            // The web page's lists (issue 20): 50 a page, limited to an auditor's organisation in
            // the SQL, the first page and a page deep in the trail (keyset, not OFFSET).
            ("web /connections (org scope, page 1)", {
                try store.page(of: .connections, matching: AuditFilter(),
                               scope: .limited(organizations: [organization[Int.random(in: 0..<2, using: &random)]], targets: []),
                               after: nil, size: 50).records.count }),
            ("web /connections (org scope, deep page)", {
                let number = someConnection()
                let opened = workload.openingTime(number, of: totalConnections)
                let cursor = AuditCursor(time: opened.iso8601, key: workload.connectionID(number, openedAt: opened))
                return try store.page(of: .connections, matching: AuditFilter(),
                                      scope: .limited(organizations: ["retailer"], targets: []), after: cursor, size: 50)
                    .records.count }),
            ("web /sessions --user U (org scope)", {
                try store.page(of: .sessions, matching: AuditFilter(user: someUser()),
                               scope: .limited(organizations: ["provider"], targets: []), after: nil, size: 50).records.count }),
            ("events --user U (newest 100)", {
                try store.records(in: .events, matching: AuditFilter(user: someUser(), limit: 100)).count }),
        ]
        var timings: [Timing] = []
        do {
            for question in questions {
                var samples: [Double] = []
                var rows = 0
                for _ in 0..<runs {
                    samples.append(try measureMilliseconds { rows += try question.ask() })
                }
                timings.append(Timing(name: question.name, latency: LatencySummary(milliseconds: samples),
                                      averageRows: Double(rows) / Double(max(runs, 1))))
            }
        } catch {
            throw AuditError.reading(error)
        }
        return timings
    }
}
