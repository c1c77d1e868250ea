@testable import Audit

/// Realistic event sequences, as the gateway will send them.
enum EventFixtures {
    static let base = AuditTimestamp(year: 2025, month: 3, day: 14, hour: 12)!

    static func context(
        _ id: String, user: String = "alice", organization: String = "retailer", target: String = "web-01",
        login: String = "deploy", ticket: String? = nil
    ) -> AuditContext {
        AuditContext(
            connectionID: id, sourceAddress: "192.0.2.10", sourcePort: 50_022, clientVersion: "SSH-2.0-OpenSSH_9.6",
            user: user, organization: organization, keyType: "ssh-ed25519", keyFingerprint: "SHA256:\(user)key",
            target: target, targetOwner: "retailer", targetLabels: ["env": "prod", "app": "shop"], login: login,
            ticket: ticket)
    }

    /// A complete allowed connection with one exec session, spread over `durationSeconds`
    /// from `start`.
    static func allowedExec(
        _ id: String, at start: AuditTimestamp = base, user: String = "alice", organization: String = "retailer",
        target: String = "web-01", login: String = "deploy", ticket: String? = nil, command: String = "uptime",
        exitStatus: Int = 0
    ) -> [AuditEvent] {
        let full = context(id, user: user, organization: organization, target: target, login: login, ticket: ticket)
        let anonymous = AuditContext(
            connectionID: id, sourceAddress: full.sourceAddress, sourcePort: full.sourcePort,
            clientVersion: full.clientVersion)
        let session = "s" + id.dropFirst()
        let events: [AuditEvent] = [
            .connectionOpen(anonymous),
            .authAttempt(anonymous, result: .accepted, user: user, organization: organization,
                         keyType: full.keyType, keyFingerprint: full.keyFingerprint),
            .accessDecision(full, result: .allowed, grant: "ops-\(organization)"),
            .upstreamConnect(full, result: .ok, address: "10.0.1.5:22", hostKeyFingerprint: "SHA256:hostkey"),
            .channelOpen(full, sessionID: session, channel: ChannelDescription(
                type: .exec, command: command, environment: ["LANG": "C"],
                recordingPath: "recordings/\(id)/\(session).cast")),
            .sessionClose(full, sessionID: session, outcome: SessionEnd(
                exitStatus: exitStatus, bytesIn: 120, bytesOut: 4_096, recordingSize: 4_300,
                recordingSHA256: String(repeating: "ab", count: 32))),
            .connectionClose(full, reason: .clientQuit),
        ]
        return stamped(events, from: start)
    }

    /// A connection denied by policy.
    static func denied(
        _ id: String, at start: AuditTimestamp = base, user: String = "bob", organization: String = "provider",
        target: String = "db-01", ticket: String? = nil
    ) -> [AuditEvent] {
        let full = context(id, user: user, organization: organization, target: target, login: "root", ticket: ticket)
        return stamped([
            .connectionOpen(AuditContext(connectionID: id, sourceAddress: "198.51.100.7", sourcePort: 40_000)),
            .authAttempt(full, result: .accepted, user: user, organization: organization, keyType: full.keyType,
                         keyFingerprint: full.keyFingerprint),
            .accessDecision(full, result: .denied, reason: "no grant allows root on db-01"),
            .connectionClose(full, reason: .clientQuit),
        ], from: start)
    }

    /// A client offering a key nobody owns.
    static func unknownKey(_ id: String, at start: AuditTimestamp = base) -> [AuditEvent] {
        let anonymous = AuditContext(connectionID: id, sourceAddress: "203.0.113.9", sourcePort: 61_000)
        return stamped([
            .connectionOpen(anonymous),
            .authAttempt(anonymous, result: .unknownKey, user: nil, organization: nil, keyType: "ssh-rsa",
                         keyFingerprint: "SHA256:stranger"),
            .connectionClose(anonymous, reason: .clientDropped),
        ], from: start)
    }

    /// A connection that stays open with an interactive shell (for crash recovery).
    static func openShell(_ id: String, at start: AuditTimestamp = base) -> [AuditEvent] {
        let full = context(id)
        return stamped([
            .connectionOpen(full),
            .accessDecision(full, result: .allowed, grant: "ops"),
            .channelOpen(full, sessionID: "s" + id.dropFirst(), channel: ChannelDescription(
                type: .shell, pty: .init(term: "xterm-256color", columns: 120, rows: 40))),
        ], from: start)
    }

    /// Gives the events times one second apart from `start`.
    static func stamped(_ events: [AuditEvent], from start: AuditTimestamp) -> [AuditEvent] {
        events.enumerated().map { index, event in
            var event = event
            event.time = start.adding(microseconds: Int64(index) * 1_000_000)
            return event
        }
    }
}
