import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The auditors' side: `tracegate audit show` tells one connection's story, the listings
    /// parse in every format, and every query is itself an `audit.query` event.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct AuditTrailQueryTests {
        static let command = "cat >/dev/null; printf %s hello; exit 0"

        /// One exec connection, its id and its session id.
        private func execConnection(_ fixture: GatewayFixture) async throws -> (connection: String, session: String) {
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh(Self.command, input: .data(Data("abc".utf8)))
            }
            try #require(result.succeeded && result.stdout == "hello", "\(result)")
            let session = try #require(events.first { $0["kind"] == "channel.open" }?["session_id"], "\(events)")
            return (try #require(connection["connection_id"]), session)
        }

        @Test func showTellsTheWholeConnection() async throws {
            let fixture = try SharedGateway.current()
            let (connection, session) = try await execConnection(fixture)
            let result = try await fixture.audit(["show", connection])
            #expect(result.succeeded, "\(result)")
            let text = result.stdout
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Connection \(connection)") == true, "\(text)")
            #expect(text.contains("Authentication attempts"), "\(text)")
            #expect(lines.contains { $0.contains("accepted") && $0.contains(fixture.aliceKey.fingerprint) }, "the attempt with alice's key\n\(text)")
            #expect(lines.contains { $0.contains("result") && $0.contains("allowed") }, "the decision\n\(text)")
            #expect(lines.contains { $0.contains(session) && $0.contains("command: \(Self.command)") }, "the session and its command\n\(text)")
            #expect(lines.contains { $0.contains("exit 0") && $0.contains("3 B in") && $0.contains("5 B out") }, "exit code and bytes\n\(text)")
            for kind in ["connection.open", "auth.attempt", "access.decision", "upstream.connect", "channel.open", "session.close", "connection.close"] {
                #expect(text.contains(kind), "event \(kind) missing\n\(text)")
            }

            let json = try await fixture.audit(["show", connection, "--format", "json"])
            #expect(json.succeeded, "\(json)")
            let object = try #require(AuditJSON.object(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(json)")
            let sessions = try #require(object["sessions"] as? [[String: Any]], "\(json)")
            #expect(sessions.count == 1 && sessions.first.map(AuditRow.init(json:))?["command"] == Self.command, "\(json)")
            #expect((object["events"] as? [Any])?.count == 7, "\(json)")
            #expect((object["connection"] as? [String: Any]).map(AuditRow.init(json:))?["connection_id"] == connection, "\(json)")

            let unknown = try await fixture.audit(["show", "c-000000000000"])
            #expect(unknown.status != 0 && !unknown.stderr.isEmpty, "an unknown id must be an error\n\(unknown)")
        }

        @Test func sessionListingsParseAsJSONAndCSV() async throws {
            let fixture = try SharedGateway.current()
            let (_, session) = try await execConnection(fixture)
            _ = try await fixture.bob(on: "web-01").ssh("true")

            let json = try await fixture.audit(["sessions", "--user", "alice", "--format", "json"])
            #expect(json.succeeded, "\(json)")
            let rows = try AuditJSON.lines(json.stdout)
            #expect(!rows.isEmpty && rows.allSatisfy { $0["user"] == "alice" }, "\(json)")
            let row = try #require(rows.first { $0["session_id"] == session }, "\(json)")
            #expect(row["command"] == Self.command && row.int("exit_status") == 0, "\(row)")
            #expect(row.int("bytes_in") == 3 && row.int("bytes_out") == 5 && row["organization"] == "retailer", "\(row)")

            let csv = try await fixture.audit(["sessions", "--user", "alice", "--format", "csv"])
            #expect(csv.succeeded, "\(csv)")
            let records = try AuditCSV.parse(csv.stdout)
            let header = try #require(records.first, "\(csv)")
            let body = records.dropFirst()
            #expect(body.count == rows.count, "csv and json should list the same sessions\n\(csv)")
            #expect(body.allSatisfy { $0.count == header.count }, "every record has as many fields as the header\n\(csv)")
            let sessionColumn = try #require(header.firstIndex(of: "session_id"), "\(header)")
            let userColumn = try #require(header.firstIndex(of: "user"), "\(header)")
            let commandColumn = try #require(header.firstIndex(of: "command"), "\(header)")
            let record = try #require(body.first { $0[sessionColumn] == session }, "\(csv)")
            // The command has commas nowhere but a semicolon and spaces: it must come back verbatim.
            #expect(record[commandColumn] == Self.command, "\(record)")
            #expect(body.allSatisfy { $0[userColumn] == "alice" }, "\(csv)")
        }

        @Test(arguments: [
            (["connections", "--user", "alice"], "connections", "alice"),
            (["sessions", "--org", "retailer", "--since", "1h"], "sessions", "retailer"),
            (["events", "--target", "web-01", "--limit", "5"], "events", "web-01"),
            (["verify"], "verify", nil),
        ] as [([String], String, String?)])
        func everyQueryIsRecordedBeforeItReads(arguments: [String], command: String, filterValue: String?) async throws {
            let fixture = try SharedGateway.current()
            try await expectQueryRecorded(fixture, arguments: arguments, command: command, filterValue: filterValue)
        }

        @Test func showIsRecordedWithTheConnectionAsked() async throws {
            let fixture = try SharedGateway.current()
            let (connection, _) = try await execConnection(fixture)
            try await expectQueryRecorded(fixture, arguments: ["show", connection], command: "show", filterValue: connection)
        }

        private func expectQueryRecorded(
            _ fixture: GatewayFixture, arguments: [String], command: String, filterValue: String?,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            let database = fixture.auditDatabase
            let mark = try await database.lastEventID()
            let result = try await fixture.audit(arguments)
            #expect(result.succeeded, "\(result)", sourceLocation: sourceLocation)
            let logged = try await database.query("SELECT * FROM audit_query_log WHERE event_id > \(mark)")
            try #require(logged.count == 1, "one audit.query event per command: \(logged)", sourceLocation: sourceLocation)
            let entry = logged[0]
            #expect(entry["command"] == command && entry["result"] == "ok", "\(entry)", sourceLocation: sourceLocation)
            #expect(entry.int("uid") == Int(getuid()), "\(entry)", sourceLocation: sourceLocation)
            if let name = getpwuid(getuid()).map({ String(cString: $0.pointee.pw_name) }) {
                #expect(entry["user"] == name, "\(entry)", sourceLocation: sourceLocation)
            }
            if let filterValue {
                #expect(entry["filter"]?.contains(filterValue) == true, "the filter should be recorded: \(entry)", sourceLocation: sourceLocation)
            }
            let event = try #require(try await database.query("SELECT * FROM events WHERE id = \(entry.int("event_id") ?? -1)").first)
            #expect(event["kind"] == "audit.query" && event["connection_id"] == nil, "\(event)", sourceLocation: sourceLocation)
        }
    }
}
