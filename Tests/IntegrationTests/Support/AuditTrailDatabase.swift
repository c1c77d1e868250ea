import Foundation
import Testing
import TestSupport

/// One row of the audit database or one JSON line of `tracegate audit … --format json`,
/// flattened to text: numbers in decimal, nested JSON re-encoded, NULL absent. Text is all
/// the assertions need, and it keeps the row `Sendable`.
struct AuditRow: Sendable, CustomStringConvertible {
    let values: [String: String]

    init(json object: [String: Any]) {
        var values: [String: String] = [:]
        for (key, value) in object {
            if let text = Self.text(value) { values[key] = text }
        }
        self.values = values
    }

    subscript(_ column: String) -> String? { values[column] }

    func int(_ column: String) -> Int? { values[column].flatMap { Int($0) } }

    /// A key of the JSON object stored in `column` (e.g. `details`), as text.
    func json(_ column: String, _ key: String) -> String? {
        guard let text = values[column], let object = AuditJSON.object(text) else { return nil }
        return object[key].flatMap(Self.text)
    }

    var description: String {
        "{" + values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: ", ") + "}"
    }

    private static func text(_ value: Any) -> String? {
        switch value {
        case is NSNull: return nil
        case let string as String: return string
        case let number as NSNumber:
            // Integers are what the trail holds; a JSON boolean would read as 0 or 1.
            let double = number.doubleValue
            return double == double.rounded() && abs(double) < 1e15 ? String(number.int64Value) : String(double)
        default:
            guard JSONSerialization.isValidJSONObject(value),
                  let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "\(value)" }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

enum AuditJSON {
    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// `--format json`: one object per line; every non-empty line must be one.
    static func lines(_ text: String) throws -> [AuditRow] {
        try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            guard let object = object(String(line)) else {
                throw AuditTrailError("not a JSON object: \(line)")
            }
            return AuditRow(json: object)
        }
    }
}

/// RFC 4180 CSV, enough to check that `--format csv` is well formed: quoted fields with
/// commas, doubled quotes and line breaks inside.
enum AuditCSV {
    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let value = pending { pending = nil; return value }
            return characters.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                guard field.isEmpty else { throw AuditTrailError("a quote inside an unquoted field: \(field)\"") }
                quoted = true
            case ",":
                record.append(field); field = ""
            case "\n", "\r\n":
                record.append(field); field = ""
                records.append(record); record = []
            case "\r":
                continue
            default:
                field.append(character)
            }
        }
        if quoted { throw AuditTrailError("unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

struct AuditTrailError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The gateway's `STATE_DIR/audit.db`, read (and, for tampering tests, written) with the real
/// `sqlite3` command-line tool: what an auditor or an attacker would use.
struct AuditTrailDatabase: Sendable {
    let path: String

    /// `sqlite3 -json PATH SQL`: the rows as objects. Waits up to 5 s on a lock.
    func query(_ sql: String) async throws -> [AuditRow] {
        let result = try await ProcessRunner().run("sqlite3", ["-json", "-cmd", ".timeout 5000", path, sql])
        guard result.succeeded else { throw AuditTrailError("sqlite3 failed\n\(result)") }
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return [] }
        guard let array = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else {
            throw AuditTrailError("sqlite3 printed something other than a JSON array\n\(result)")
        }
        return array.map(AuditRow.init(json:))
    }

    /// Runs statements (tampering); throws with sqlite3's complaint when one fails.
    func execute(_ sql: String) async throws {
        let result = try await ProcessRunner().run("sqlite3", ["-bail", "-cmd", ".timeout 5000", path, sql])
        guard result.succeeded, result.stderr.isEmpty else { throw AuditTrailError("sqlite3 failed\n\(result)") }
    }

    func scalar(_ sql: String) async throws -> String? {
        try await query("SELECT (\(sql)) AS value").first?["value"]
    }

    /// The id of the newest event, 0 for an empty trail: a mark to find what comes after it.
    func lastEventID() async throws -> Int {
        Int(try await scalar("SELECT COALESCE(MAX(id), 0) FROM events") ?? "0") ?? 0
    }

    func events(ofConnection id: String) async throws -> [AuditRow] {
        try await query("SELECT * FROM events WHERE connection_id = \(Self.literal(id)) ORDER BY id")
    }

    func connection(_ id: String) async throws -> AuditRow? {
        try await query("SELECT * FROM connection_summary WHERE connection_id = \(Self.literal(id))").first
    }

    func sessions(ofConnection id: String) async throws -> [AuditRow] {
        try await query("SELECT * FROM session_summary WHERE connection_id = \(Self.literal(id)) ORDER BY first_event_id")
    }

    /// The SSH connections whose first event comes after `mark`, once `count` of them are
    /// closed (their `connection.close` is written asynchronously, after the client has gone).
    /// Connections that never sent an SSH version are left out: the harness's readiness probe
    /// (a bare TCP connect at start) is recorded as one, `kex_failed`, a moment later.
    func closedConnections(after mark: Int, count: Int, timeout: Duration = .seconds(15)) async throws -> [AuditRow] {
        let deadline = ContinuousClock.now + timeout
        var rows: [AuditRow] = []
        while ContinuousClock.now < deadline {
            rows = try await query("""
                SELECT * FROM connection_summary
                WHERE first_event_id > \(mark) AND client_version IS NOT NULL ORDER BY first_event_id
                """)
            if rows.count >= count, rows.allSatisfy({ $0["closed_at"] != nil }) { return rows }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw AuditTrailError("expected \(count) closed connection(s) after event \(mark) within \(timeout), found:\n"
            + rows.map(\.description).joined(separator: "\n"))
    }

    /// The rows of `sql` as soon as there is at least one (rows written asynchronously, after
    /// the client has gone); empty if none came within `timeout`.
    func waitForRows(_ sql: String, timeout: Duration = .seconds(10)) async throws -> [AuditRow] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let rows = try await query(sql)
            if !rows.isEmpty { return rows }
            try await Task.sleep(for: .milliseconds(100))
        }
        return []
    }

    /// A SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension GatewayFixture {
    var auditDatabase: AuditTrailDatabase {
        AuditTrailDatabase(path: gateway.stateDirectory + "/audit.db")
    }

    /// `tracegate audit ARGUMENTS… --config PATH`.
    func audit(_ arguments: [String]) async throws -> ProcessResult {
        try await gateway.run(["audit"] + arguments)
    }

    /// What one client command left in the trail: runs `action` (which must make exactly one
    /// connection to the gateway), waits for that connection to be closed in the trail, and
    /// returns its summary row and its events in order.
    func observeConnection(
        _ action: () async throws -> ProcessResult
    ) async throws -> (result: ProcessResult, connection: AuditRow, events: [AuditRow]) {
        let database = auditDatabase
        let mark = try await database.lastEventID()
        let result = try await action()
        let connections = try await database.closedConnections(after: mark, count: 1)
        try #require(connections.count == 1, "expected one connection, found \(connections)\n\(result)")
        let connection = connections[0]
        let events = try await database.events(ofConnection: try #require(connection["connection_id"]))
        return (result, connection, events)
    }
}

/// Facts about the client side that the trail must agree with, taken from the tools
/// themselves rather than from the gateway.
enum ClientFacts {
    /// "OpenSSH_9.2p1 Debian-2+deb12u3": the software part of ssh's version string.
    static func openSSHVersion() async throws -> String {
        let result = try await ProcessRunner().run("ssh", ["-V"])
        let text = (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = text.split(separator: ",").first, first.hasPrefix("OpenSSH_") else {
            throw AuditTrailError("unexpected ssh -V output: \(text)")
        }
        return String(first)
    }

    /// The local TCP port of process `pid`'s connection to 127.0.0.1:`port`, from `ss`.
    static func sourcePort(ofProcess pid: Int32, connectedTo port: UInt16) async throws -> Int? {
        let result = try await ProcessRunner().run("ss", ["-tnpH", "state", "established"])
        for line in result.stdout.split(separator: "\n") where line.contains("pid=\(pid),") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // Local Address:Port, Peer Address:Port (state is filtered out of the columns).
            guard let peerIndex = fields.firstIndex(where: { $0 == "127.0.0.1:\(port)" }), peerIndex > 0 else { continue }
            let local = fields[peerIndex - 1]
            if let colon = local.lastIndex(of: ":"), let value = Int(local[local.index(after: colon)...]) { return value }
        }
        return nil
    }
}
