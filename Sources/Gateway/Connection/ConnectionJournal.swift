import Audit
import Foundation
import Logging
import Policy

/// The one place that turns what happens on a connection into an audit event and a log
/// line, both carrying the connection id. Methods that guard an action are `throws`:
/// they return only once the event is durable, and when it cannot be made durable the
/// action must not happen (fail closed).
package final class ConnectionJournal: Sendable {
    let logger: Logger
    let audit: AuditWriter
    let metrics: GatewayMetrics

    package init(logger: Logger, audit: AuditWriter, metrics: GatewayMetrics = GatewayMetrics()) {
        self.logger = logger
        self.audit = audit
        self.metrics = metrics
    }

    private func log(_ level: Logger.Level, _ message: Logger.Message, _ context: ConnectionContext,
                     _ extra: Logger.Metadata = [:]) {
        // Values are escaped by the log handler (LogLineFormatter), for every line alike.
        let metadata = context.logMetadata.merging(extra) { $1 }
        logger.log(level: level, message, metadata: metadata)
    }

    /// A request the gateway refused while the connection goes on (see `request.refused`).
    func channelRequestRefused(_ context: ConnectionContext, sessionID: String?, request: String, reason: String) {
        audit.record(.requestRefused(context.auditContext, sessionID: sessionID, request: request, reason: reason))
        var extra: Logger.Metadata = ["tg.request": "\(request)", "tg.reason": "\(reason)"]
        if let sessionID { extra["tg.session"] = "\(sessionID)" }
        log(.notice, "request refused", context, extra)
    }

    func connectionOpened(_ context: ConnectionContext) {
        audit.record(.connectionOpen(context.auditContext, via: context.via))
        metrics.connectionAccepted()
        var extra: Logger.Metadata = ["tg.client_version": "\(context.clientVersion ?? "")"]
        if let leg = context.clientLeg { extra["tg.kex"] = "\(leg.keyExchange)" }
        log(.info, "connection opened", context, extra)
    }

    func authenticationAttempt(_ context: ConnectionContext, method: String, result: AuthAttemptResult,
                               user: User?, keyType: String?, fingerprint: String?) {
        audit.record(.authAttempt(context.auditContext, result: result, method: method, user: user?.name,
                                  organization: user?.organization, keyType: keyType, keyFingerprint: fingerprint))
        metrics.authentication(result: result.rawValue)
        var extra: Logger.Metadata = ["tg.method": "\(method)", "tg.result": "\(result.rawValue)"]
        if let keyType { extra["tg.key_type"] = "\(keyType)" }
        if let fingerprint { extra["tg.key"] = "\(fingerprint)" }
        log(result == .accepted ? .info : .notice, "authentication attempt", context, extra)
    }

    /// `grant` nil: the gateway's own read-only shell, which every authenticated user may use.
    func decision(_ context: ConnectionContext, allowedBy grant: Grant?) throws(AuditError) {
        let grantName = grant?.name ?? "gateway-shell"
        try audit.recordDurably(.accessDecision(context.auditContext, result: .allowed, grant: grantName,
                                                secondFactor: context.secondFactor?.auditText))
        log(.info, "access allowed", context, ["tg.grant": "\(grantName)"])
    }

    func decision(_ context: ConnectionContext, refused refusal: Refusal) throws(AuditError) {
        metrics.connectionRefused(reason: refusal.code)
        try audit.recordDurably(.accessDecision(context.auditContext, result: .denied, reason: refusal.message,
                                                secondFactor: context.secondFactor?.auditText))
        log(.notice, "access denied", context, ["tg.reason": "\(refusal.code)", "tg.message": "\(refusal.message)"])
    }

    func upstreamConnected(_ context: ConnectionContext, address: String, hostKeyFingerprint: String,
                           targetLeg: NegotiatedLeg, certificate: UpstreamCertificateFacts? = nil) {
        audit.record(.upstreamConnect(context.auditContext, result: .ok, address: address,
                                      hostKeyFingerprint: hostKeyFingerprint, clientLeg: context.clientLeg,
                                      targetLeg: targetLeg, certificate: certificate))
        var extra: Logger.Metadata = [
            "tg.host_key": "\(hostKeyFingerprint)",
            "tg.client_kex": "\(context.clientLeg?.keyExchange ?? "?")",
            "tg.target_kex": "\(targetLeg.keyExchange)",
        ]
        if let certificate { extra["tg.certificate_serial"] = "\(certificate.serial)"; extra["tg.ca"] = "\(certificate.caFingerprint)" }
        log(.info, "upstream connected", context, extra)
    }

    func upstreamFailed(_ context: ConnectionContext, address: String, refusal: Refusal, hostKeyFingerprint: String?,
                        certificate: UpstreamCertificateFacts? = nil, detail: String? = nil) {
        audit.record(.upstreamConnect(context.auditContext, result: .failed, address: address,
                                      hostKeyFingerprint: hostKeyFingerprint, reason: refusal.message,
                                      certificate: certificate))
        metrics.upstreamFailed(target: context.target?.name ?? address, reason: refusal.code)
        var extra: Logger.Metadata = ["tg.reason": "\(refusal.code)", "tg.message": "\(refusal.message)"]
        if let hostKeyFingerprint { extra["tg.host_key"] = "\(hostKeyFingerprint)" }
        if let certificate { extra["tg.certificate_serial"] = "\(certificate.serial)" }
        if let detail { extra["tg.detail"] = "\(detail)" }
        log(.warning, "upstream failed", context, extra)
    }

    /// A request the gateway refuses (forwarding, agent, X11): an authorisation decision
    /// of its own, so it is in the trail with its reason.
    func requestRefused(_ context: ConnectionContext, refusal: Refusal) {
        audit.record(.accessDecision(context.auditContext, result: .denied, reason: refusal.message))
        log(.notice, "request refused", context, ["tg.reason": "\(refusal.code)"])
    }

    /// Durable before the command reaches the target: no command runs unrecorded.
    func sessionStarted(_ context: ConnectionContext, session: SessionDescription) throws(AuditError) {
        try audit.recordDurably(.channelOpen(context.auditContext, sessionID: session.id, channel: session.auditChannel))
        var extra: Logger.Metadata = ["tg.session": "\(session.id)", "tg.kind": "\(session.command.kind)"]
        if let text = session.command.text { extra["tg.command"] = "\(text)" }
        if let terminal = session.terminal {
            extra["tg.pty"] = "\(terminal.term) \(terminal.size.columns)x\(terminal.size.rows)"
        }
        log(.info, "session started", context, extra)
    }

    /// A direct-tcpip channel (`-L` or a tunnel), durable before its first byte moves.
    func forwardStarted(_ context: ConnectionContext, sessionID: String, host: String, port: Int) throws(AuditError) {
        let channel = ChannelDescription(type: .directTCPIP, forwardHost: host, forwardPort: port)
        try audit.recordDurably(.channelOpen(context.auditContext, sessionID: sessionID, channel: channel))
        log(.info, "forward started", context, ["tg.session": "\(sessionID)", "tg.forward": "\(host):\(port)"])
    }

    func sessionClosed(_ context: ConnectionContext, sessionID: String, outcome: SessionOutcome) {
        if let unclosed = outcome.unclosedRecording {
            recordingNotClosed(context, sessionID: sessionID, path: unclosed.path, after: unclosed.waitedSeconds)
        }
        audit.record(.sessionClose(context.auditContext, sessionID: sessionID, outcome: outcome.auditEnd))
        metrics.sessionEnded(id: sessionID, recordingBytes: outcome.recording?.size)
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

    func connectionClosed(_ context: ConnectionContext, reason: ConnectionCloseReason, detail: String? = nil) {
        audit.record(.connectionClose(context.auditContext, reason: reason, detail: detail))
        let duration = Date().timeIntervalSince(context.openedAt)
        log(.info, "connection closed", context,
            ["tg.reason": "\(reason.rawValue)", "tg.duration": "\(String(format: "%.3f", duration))"])
    }

    func protocolError(_ context: ConnectionContext, _ detail: String) {
        log(.warning, "protocol error", context, ["tg.detail": "\(detail)"])
    }
}
