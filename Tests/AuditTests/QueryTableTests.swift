import GRDB
import Testing
@testable import Audit

@Suite("Connections and sessions rows")
struct QueryTableTests {
    static func store(with events: [AuditEvent]) throws -> StoreFixture {
        try StoreFixture(events: events)
    }

    @Test func anAllowedExecFillsOneConnectionAndOneSessionRow() throws {
        let fixture = try Self.store(with: EventFixtures.allowedExec("c-0000000000aa", ticket: "INC-7", command: "systemctl status nginx"))
        let store = fixture.store
        let connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["connection_id"] == "c-0000000000aa")
        #expect(connection["user"] == "alice")
        #expect(connection["organization"] == "retailer")
        #expect(connection["source_address"] == "192.0.2.10")
        #expect(connection["source_port"] == 50_022)
        #expect(connection["key_fingerprint"] == "SHA256:alicekey")
        #expect(connection["auth_attempts"] == 1)
        #expect(connection["target"] == "web-01")
        #expect(connection["target_owner"] == "retailer")
        #expect(connection["target_labels"] == ["app": "shop", "env": "prod"])
        #expect(connection["login"] == "deploy")
        #expect(connection["ticket"] == "INC-7")
        #expect(connection["result"] == "allowed")
        #expect(connection["grant_name"] == "ops-retailer")
        #expect(connection["upstream_result"] == "ok")
        #expect(connection["upstream_host_key"] == "SHA256:hostkey")
        #expect(connection["close_reason"] == "client_quit")
        #expect(connection["status"] == "closed")
        #expect(connection["duration_ms"] == 6_000)
        #expect(connection["session_count"] == 1)
        #expect(connection["bytes_in"] == 120)
        #expect(connection["bytes_out"] == 4_096)
        #expect(connection["first_event_id"] == 1)
        #expect(connection["last_event_id"] == 7)

        let session = try #require(try store.records(in: .sessions, matching: AuditFilter()).first)
        #expect(session["session_id"] == "s-0000000000aa")
        #expect(session["connection_id"] == "c-0000000000aa")
        #expect(session["channel_type"] == "exec")
        #expect(session["command"] == "systemctl status nginx")
        #expect(session["env"] == ["LANG": "C"])
        #expect(session["user"] == "alice")
        #expect(session["ticket"] == "INC-7")
        #expect(session["exit_status"] == 0)
        #expect(session["result"] == "ok")
        #expect(session["duration_ms"] == 1_000)
        #expect(session["bytes_in"] == 120)
        #expect(session["bytes_out"] == 4_096)
        #expect(session["recording_path"] == "recordings/c-0000000000aa/s-0000000000aa.cast")
        #expect(session["recording_size"] == 4_300)
        #expect(session["status"] == "closed")
    }

    @Test func aDenialKeepsItsReason() throws {
        let fixture = try Self.store(with: EventFixtures.denied("c-0000000000bb"))
        let store = fixture.store
        let connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["result"] == "denied")
        #expect(connection["reason"] == "no grant allows root on db-01")
        #expect(connection["session_count"] == 0)
    }

    @Test func anUnknownKeyIsRecordedWithItsFingerprintAndNoUser() throws {
        let fixture = try Self.store(with: EventFixtures.unknownKey("c-0000000000cc"))
        let store = fixture.store
        let connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["result"] == "unknown_key")
        #expect(connection["key_fingerprint"] == "SHA256:stranger")
        #expect(connection["user"] == .null)
        #expect(connection["close_reason"] == "client_dropped")
    }

    @Test func aLaterAcceptedAttemptReplacesTheRejectedKeyAsAUnit() throws {
        let anonymous = AuditContext(connectionID: "c-0000000000dd")
        let fixture = try Self.store(with: [
            .connectionOpen(anonymous),
            .authAttempt(anonymous, result: .rejected, user: "carol", organization: "provider", keyType: "ssh-rsa",
                         keyFingerprint: "SHA256:carol-old"),
            .authAttempt(anonymous, result: .unknownKey, user: nil, organization: nil, keyType: "ssh-ed25519",
                         keyFingerprint: "SHA256:unknown"),
        ])
        let store = fixture.store
        var connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["user"] == .null, "the user of an earlier attempt is not paired with a later key")
        #expect(connection["key_fingerprint"] == "SHA256:unknown")
        #expect(connection["auth_attempts"] == 2)

        store.writeAll([
            .authAttempt(anonymous, result: .accepted, user: "carol", organization: "provider", keyType: "ssh-ed25519",
                         keyFingerprint: "SHA256:carol-new"),
        ])
        connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["user"] == "carol")
        #expect(connection["key_fingerprint"] == "SHA256:carol-new")
        #expect(connection["result"] == "authenticated")
    }

    @Test func aTargetThatIsDownMarksTheConnectionFailed() throws {
        let context = EventFixtures.context("c-0000000000ee")
        let fixture = try Self.store(with: [
            .connectionOpen(context),
            .accessDecision(context, result: .allowed, grant: "ops"),
            .upstreamConnect(context, result: .failed, address: "10.0.1.5:22", hostKeyFingerprint: nil,
                             reason: "connection refused"),
            .connectionClose(context, reason: .error, detail: "upstream unreachable"),
        ])
        let store = fixture.store
        let connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["result"] == "failed")
        #expect(connection["reason"] == "connection refused")
        #expect(connection["upstream_result"] == "failed")
        #expect(connection["close_reason"] == "error")
    }

    @Test func shellSubsystemAndForwardChannelsAreDescribed() throws {
        let context = EventFixtures.context("c-0000000000ff")
        let fixture = try Self.store(with: [
            .channelOpen(context, sessionID: "s-1", channel: ChannelDescription(
                type: .shell, pty: .init(term: "xterm", columns: 80, rows: 24))),
            .channelOpen(context, sessionID: "s-2", channel: ChannelDescription(type: .subsystem, subsystem: "sftp")),
            .channelOpen(context, sessionID: "s-3", channel: ChannelDescription(
                type: .directTCPIP, forwardHost: "localhost", forwardPort: 5432)),
            .sessionClose(context, sessionID: "s-1", outcome: SessionEnd(exitSignal: "KILL", bytesIn: 1, bytesOut: 2)),
            .sessionClose(context, sessionID: "s-3", outcome: SessionEnd(bytesIn: 10, bytesOut: 20)),
        ])
        let store = fixture.store
        let sessions = Dictionary(uniqueKeysWithValues: try store.records(in: .sessions, matching: AuditFilter()).map {
            (ExportText.plain($0["session_id"] ?? .null), $0)
        })
        #expect(sessions["s-1"]?["pty_term"] == "xterm")
        #expect(sessions["s-1"]?["pty_cols"] == 80)
        #expect(sessions["s-1"]?["exit_signal"] == "KILL")
        #expect(sessions["s-1"]?["result"] == "failed")
        #expect(sessions["s-2"]?["subsystem"] == "sftp")
        #expect(sessions["s-2"]?["status"] == "open")
        #expect(sessions["s-3"]?["forward_host"] == "localhost")
        #expect(sessions["s-3"]?["forward_port"] == 5_432)
        #expect(sessions["s-3"]?["result"] == "closed")
        let connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["session_count"] == 3)
        #expect(connection["bytes_in"] == 11)
    }

    @Test func eventsOutOfTheUsualOrderNeverBlockTheTrail() throws {
        // A session.close for an unknown session, an event without a connection open: stored, no failure.
        let fixture = try Self.store(with: [
            .sessionClose(EventFixtures.context("c-000000000100"), sessionID: "s-nowhere", outcome: SessionEnd(exitStatus: 0)),
            AuditEvent(kind: .channelOpen, connectionID: "c-000000000101"),
            .connectionClose(EventFixtures.context("c-000000000102"), reason: .shutdown),
        ])
        let store = fixture.store
        #expect(try store.eventCount() == 3)
        #expect(try store.records(in: .connections, matching: AuditFilter()).count == 3)
    }

    @Test func aReusedConnectionIdUpdatesTheExistingRowInsteadOfFailing() throws {
        let fixture = try Self.store(with: EventFixtures.allowedExec("c-000000000007"))
        let store = fixture.store
        let context = EventFixtures.context("c-000000000007", user: "alice")
        store.writeAll([
            .connectionOpen(AuditContext(connectionID: "c-000000000007", sourceAddress: "192.0.2.99")),
            .authAttempt(context, result: .accepted, user: "alice", organization: "retailer", keyType: "ssh-ed25519",
                         keyFingerprint: "SHA256:alicekey"),
            .channelOpen(context, sessionID: "s-000000000077", channel: ChannelDescription(type: .subsystem, subsystem: "sftp")),
        ])
        let connection = try #require(try store.records(in: .connections, matching: AuditFilter()).first)
        #expect(connection["auth_attempts"] == 2)
        #expect(connection["session_count"] == 2)
        #expect(connection["opened_at"] == .string(EventFixtures.base.iso8601), "the first opening stays")
        #expect(try store.records(in: .sessions, matching: AuditFilter()).count == 2)
        #expect(try store.verifyChain().isIntact)
    }

    @Test func showGathersAttemptsSessionsAndEventsOfOneConnection() throws {
        let fixture = try Self.store(with: EventFixtures.allowedExec("c-000000000001", command: "ls -la /srv")
            + EventFixtures.denied("c-000000000002"))
        let store = fixture.store
        let detail = try store.connectionDetail(id: "c-000000000001")
        #expect(detail.events.map(\.kind) == [
            "connection.open", "auth.attempt", "access.decision", "upstream.connect", "channel.open",
            "session.close", "connection.close",
        ])
        #expect(detail.sessions.count == 1)
        let text = ConnectionReport.text(detail).joined(separator: "\n")
        #expect(text.contains("Connection c-000000000001  [closed]"))
        #expect(text.contains("deploy@web-01"))
        #expect(text.contains("allowed  grant ops-retailer"))
        #expect(text.contains("command: ls -la /srv"))
        #expect(text.contains("exit 0"))
        #expect(text.contains("recording recordings/c-000000000001/s-000000000001.cast"))
        #expect(text.contains("Authentication attempts"))
        let json = try #require(AuditValueDecoding.object(fromJSON: ConnectionReport.json(detail)))
        #expect(json["events"].map { if case .array(let events) = $0 { events.count } else { 0 } } == 7)
        #expect(throws: AuditError.connectionNotFound("c-nope")) { try store.connectionDetail(id: "c-nope") }
    }
}
