import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The hash chain against someone with `sqlite3` and write access to the file: an edited,
    /// deleted or swapped row makes `tracegate audit verify` exit 1 naming the first bad event;
    /// an untouched trail verifies with its count and head hash.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct AuditTrailTamperTests {
        /// A trail with a real connection in it, copied with sqlite3's online backup while the
        /// gateway runs; returns the copy and the id of the connection's `auth.attempt` event,
        /// which has neighbours on both sides.
        private func tamperableCopy(_ fixture: GatewayFixture) async throws -> (copy: AuditTrailDatabase, event: Int, scratch: TemporaryDirectory) {
            let (result, _, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo chained")
            }
            try #require(result.succeeded, "\(result)")
            let attempt = try #require(events.first { $0["kind"] == "auth.attempt" }?.int("id"), "\(events)")
            let scratch = try TemporaryDirectory(prefix: "tracegate-tamper")
            let copy = AuditTrailDatabase(path: scratch.file("audit.db"))
            try await fixture.auditDatabase.execute(".backup \(AuditTrailDatabase.literal(copy.path))")
            return (copy, attempt, scratch)
        }

        private func verify(_ fixture: GatewayFixture, database: AuditTrailDatabase) async throws -> ProcessResult {
            try await fixture.audit(["verify", "--database", database.path])
        }

        private func expectBroken(_ result: ProcessResult, at event: Int, _ why: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(result.termination == .exited(1), "verify must exit 1 on a broken chain\n\(result)", sourceLocation: sourceLocation)
            #expect(result.stdout.contains("BROKEN at event \(event):"), "verify must name event \(event)\n\(result)", sourceLocation: sourceLocation)
            #expect(result.stdout.contains(why), "verify should say \"\(why)\"\n\(result)", sourceLocation: sourceLocation)
        }

        @Test func untouchedTrailVerifiesWithItsCountAndHeadHash() async throws {
            let fixture = try SharedGateway.current()
            let (copy, _, scratch) = try await tamperableCopy(fixture)
            let result = try await verify(fixture, database: copy)
            #expect(result.succeeded, "\(result)")
            // verify records its own audit.query first, so the chain it walks ends with that event.
            let last = try #require(try await copy.query("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").first)
            let expected = "OK \(last.int("id") ?? -1) events, head \(last["hash"] ?? "?")"
            // The chain's verdict is the first line (later lines may report other checks).
            #expect(result.stdout.split(separator: "\n").first.map(String.init) == expected, "\(result)")
            #expect(try await copy.scalar("SELECT kind FROM events WHERE id = \(last.int("id") ?? -1)") == "audit.query")
            withExtendedLifetime(scratch) {}
        }

        @Test func appendOnlyTriggersRefuseAPlainUpdateOrDelete() async throws {
            let fixture = try SharedGateway.current()
            let (copy, event, scratch) = try await tamperableCopy(fixture)
            await #expect(throws: AuditTrailError.self) { try await copy.execute("UPDATE events SET login = 'root' WHERE id = \(event)") }
            await #expect(throws: AuditTrailError.self) { try await copy.execute("DELETE FROM events WHERE id = \(event)") }
            #expect(try await verify(fixture, database: copy).succeeded)
            withExtendedLifetime(scratch) {}
        }

        @Test func editedRowIsNamed() async throws {
            let fixture = try SharedGateway.current()
            let (copy, event, scratch) = try await tamperableCopy(fixture)
            try await copy.execute("""
                DROP TRIGGER events_are_append_only_update;
                UPDATE events SET key_fingerprint = 'SHA256:somebody-else' WHERE id = \(event);
                """)
            expectBroken(try await verify(fixture, database: copy), at: event, "the row was edited")
            withExtendedLifetime(scratch) {}
        }

        @Test func editedDetailsAreNamedEvenWhenOnlyOneCharacterChanges() async throws {
            let fixture = try SharedGateway.current()
            let (copy, _, scratch) = try await tamperableCopy(fixture)
            let command = try #require(try await copy.query(
                "SELECT id FROM events WHERE kind = 'channel.open' ORDER BY id DESC LIMIT 1").first?.int("id"))
            try await copy.execute("""
                DROP TRIGGER events_are_append_only_update;
                UPDATE events SET details = replace(details, 'echo chained', 'echo chaineD') WHERE id = \(command);
                """)
            #expect(try await copy.scalar("SELECT json_extract(details, '$.command') FROM events WHERE id = \(command)") == "echo chaineD")
            expectBroken(try await verify(fixture, database: copy), at: command, "the row was edited")
            withExtendedLifetime(scratch) {}
        }

        @Test func deletedRowIsNamedByTheEventAfterIt() async throws {
            let fixture = try SharedGateway.current()
            let (copy, event, scratch) = try await tamperableCopy(fixture)
            try await copy.execute("""
                DROP TRIGGER events_are_append_only_delete;
                DELETE FROM events WHERE id = \(event);
                """)
            expectBroken(try await verify(fixture, database: copy), at: event + 1, "deleted")
            withExtendedLifetime(scratch) {}
        }

        @Test func deletedRowWithTheIdsRenumberedIsStillNamed() async throws {
            // A careful forger closes the gap in the ids; the links still break.
            let fixture = try SharedGateway.current()
            let (copy, event, scratch) = try await tamperableCopy(fixture)
            try await copy.execute("""
                DROP TRIGGER events_are_append_only_delete;
                DROP TRIGGER events_are_append_only_update;
                DELETE FROM events WHERE id = \(event);
                UPDATE events SET id = -(id - 1) WHERE id > \(event);
                UPDATE events SET id = -id WHERE id < 0;
                """)
            expectBroken(try await verify(fixture, database: copy), at: event, "prev_hash")
            withExtendedLifetime(scratch) {}
        }

        @Test func swappedRowsAreNamedAtTheFirstOfThem() async throws {
            let fixture = try SharedGateway.current()
            let (copy, event, scratch) = try await tamperableCopy(fixture)
            let next = event + 1
            try await copy.execute("""
                DROP TRIGGER events_are_append_only_update;
                UPDATE events SET id = -1 WHERE id = \(event);
                UPDATE events SET id = \(event) WHERE id = \(next);
                UPDATE events SET id = \(next) WHERE id = -1;
                """)
            let swapped = try await copy.query("SELECT id, kind FROM events WHERE id IN (\(event), \(next)) ORDER BY id")
            #expect(swapped.map { $0["kind"] ?? "?" } == ["access.decision", "auth.attempt"], "\(swapped)")
            let result = try await verify(fixture, database: copy)
            #expect(result.termination == .exited(1), "\(result)")
            #expect(result.stdout.contains("BROKEN at event \(event):"), "\(result)")
            withExtendedLifetime(scratch) {}
        }

        @Test func tamperingWithTheLiveTrailOfAStoppedGatewayIsFound() async throws {
            let fixture = try SharedGateway.current()
            let (result, _, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo live")
            }
            try #require(result.succeeded, "\(result)")
            let decision = try #require(events.first { $0["kind"] == "access.decision" }, "\(events)")
            let id = try #require(decision.int("id"))
            let before = try await fixture.audit(["verify"])
            #expect(before.succeeded && before.stdout.hasPrefix("OK "), "\(before)")

            let stopped = await fixture.gateway.stop(signal: SIGTERM)
            try #require(stopped != nil, "the gateway ignored SIGTERM\n\(fixture.gatewayLogTail)")
            let live = fixture.auditDatabase
            try await live.execute("""
                DROP TRIGGER events_are_append_only_update;
                UPDATE events SET result = 'denied' WHERE id = \(id);
                """)
            expectBroken(try await fixture.audit(["verify"]), at: id, "the row was edited")

            // Put the row back as it was: the chain verifies again, and the gateway starts on it.
            try await live.execute("UPDATE events SET result = \(AuditTrailDatabase.literal(decision["result"] ?? "")) WHERE id = \(id)")
            let restored = try await fixture.audit(["verify"])
            #expect(restored.succeeded, "\(restored)")
            try await fixture.gateway.start()
            let after = try await fixture.alice(on: "web-01").ssh("echo again")
            #expect(after.succeeded, "\(after)\n\(fixture.gatewayLogTail)")
        }
    }
}
