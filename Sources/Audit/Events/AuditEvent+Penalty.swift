/// `penalty.start`, outside any connection: a source address (or IPv6 /64) is penalised and
/// its new connections are closed at accept until `until`. Written once per penalty, never
/// per refused connection, so that a flood cannot flood the trail.
extension AuditEvent {
    package static func penaltyStart(
        source: String, triggeredBy address: String, offence: String, durationMilliseconds: Int64, strike: Int,
        until: AuditTimestamp
    ) -> AuditEvent {
        AuditEvent(kind: .penaltyStart, sourceAddress: address, reason: offence, details: [
            AuditDetailKey.penaltySource: .string(source),
            AuditDetailKey.durationMilliseconds: AuditValue(Int(durationMilliseconds)),
            AuditDetailKey.penaltyStrike: AuditValue(strike),
            AuditDetailKey.penaltyUntil: .string(until.iso8601),
        ])
    }
}
