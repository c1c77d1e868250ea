/// `proxy.refused`, outside any connection (no SSH was spoken, so there is no connection id):
/// a connection closed at accept for its PROXY protocol header.
extension AuditEvent {
    /// `peer`/`peerPort` are the socket's peer, the one who sent (or failed to send) the header;
    /// `reason` is a fixed code; `claimedSource` is the client a refused header named, if it
    /// could be read (never believed, kept for the investigation).
    package static func proxyRefused(
        peer: String, peerPort: Int, reason: String, error: String, headerError: String? = nil, claimedSource: String? = nil
    ) -> AuditEvent {
        var details: [String: AuditValue] = [AuditDetailKey.error: .string(error)]
        if let headerError { details[AuditDetailKey.headerError] = .string(headerError) }
        if let claimedSource { details[AuditDetailKey.claimedSource] = .string(claimedSource) }
        return AuditEvent(kind: .proxyRefused, sourceAddress: peer, sourcePort: peerPort, result: "refused", reason: reason,
                          details: details)
    }
}
