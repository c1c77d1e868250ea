import Foundation
import Logging
import Policy

/// The one place that turns what happens on a connection into log lines (and audit
/// events). Methods that guard an action are `throws`: when the record cannot be made
/// durable, the action must not happen.
package final class ConnectionJournal: Sendable {
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    private func log(_ level: Logger.Level, _ message: Logger.Message, _ context: ConnectionContext,
                     _ extra: Logger.Metadata = [:]) {
        logger.log(level: level, message, metadata: context.logMetadata.merging(extra) { $1 })
    }

    func connectionOpened(_ context: ConnectionContext) {
        log(.info, "connection opened", context, ["tg.client_version": "\(context.clientVersion ?? "")"])
    }

    func authenticationAttempt(_ context: ConnectionContext, method: String, result: String,
                               keyType: String?, fingerprint: String?) {
        var extra: Logger.Metadata = ["tg.method": "\(method)", "tg.result": "\(result)"]
        if let keyType { extra["tg.key_type"] = "\(keyType)" }
        if let fingerprint { extra["tg.key"] = "\(fingerprint)" }
        log(result == "accepted" ? .info : .notice, "authentication attempt", context, extra)
    }

    func decision(_ context: ConnectionContext, allowedBy grant: Grant) throws {
        log(.info, "access allowed", context, ["tg.grant": "\(grant.name)"])
    }

    func decision(_ context: ConnectionContext, refused refusal: Refusal) throws {
        log(.notice, "access denied", context, ["tg.reason": "\(refusal.code)", "tg.message": "\(refusal.message)"])
    }

    func upstreamConnected(_ context: ConnectionContext, hostKeyFingerprint: String) {
        log(.info, "upstream connected", context, ["tg.host_key": "\(hostKeyFingerprint)"])
    }

    func upstreamFailed(_ context: ConnectionContext, refusal: Refusal, hostKeyFingerprint: String?) {
        var extra: Logger.Metadata = ["tg.reason": "\(refusal.code)", "tg.message": "\(refusal.message)"]
        if let hostKeyFingerprint { extra["tg.host_key"] = "\(hostKeyFingerprint)" }
        log(.warning, "upstream failed", context, extra)
    }

    func requestRefused(_ context: ConnectionContext, refusal: Refusal) {
        log(.notice, "request refused", context, ["tg.reason": "\(refusal.code)"])
    }

    func sessionStarted(_ context: ConnectionContext, session: SessionDescription) throws {
        var extra: Logger.Metadata = ["tg.session": "\(session.id)", "tg.kind": "\(session.command.kind)"]
        if let text = session.command.text { extra["tg.command"] = "\(text)" }
        if let terminal = session.terminal {
            extra["tg.pty"] = "\(terminal.term) \(terminal.size.columns)x\(terminal.size.rows)"
        }
        log(.info, "session started", context, extra)
    }

    func sessionClosed(_ context: ConnectionContext, sessionID: String, outcome: SessionOutcome) {
        var extra: Logger.Metadata = [
            "tg.session": "\(sessionID)",
            "tg.duration": "\(String(format: "%.3f", outcome.durationSeconds))",
            "tg.bytes_in": "\(outcome.bytesToTarget)",
            "tg.bytes_out": "\(outcome.bytesFromTarget)",
        ]
        if let status = outcome.exitStatus { extra["tg.exit_status"] = "\(status)" }
        if let signal = outcome.exitSignal { extra["tg.exit_signal"] = "\(signal)" }
        log(.info, "session closed", context, extra)
    }

    func connectionClosed(_ context: ConnectionContext, reason: ConnectionEndReason) {
        let duration = Date().timeIntervalSince(context.openedAt)
        log(.info, "connection closed", context,
            ["tg.reason": "\(reason.rawValue)", "tg.duration": "\(String(format: "%.3f", duration))"])
    }

    func protocolError(_ context: ConnectionContext, _ detail: String) {
        log(.warning, "protocol error", context, ["tg.detail": "\(detail)"])
    }
}
