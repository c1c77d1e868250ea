import Audit
import Logging

extension ConnectionJournal {
    /// A connection closed at accept for its PROXY header: one line, one `proxy.refused` event.
    /// The socket's peer is who is named; a header's claimed source is kept apart, unbelieved.
    func proxyHeaderRefused(peer: String, port: Int, _ refusal: ProxyRefusal) {
        audit.record(.proxyRefused(peer: peer, peerPort: port, reason: refusal.code.rawValue, error: refusal.detail,
                                   headerError: refusal.headerError?.code,
                                   claimedSource: refusal.claimedSource?.description))
        var metadata: Logger.Metadata = [
            "tg.client": "\(peer):\(port)",
            "tg.reason": "\(refusal.code.rawValue)",
            "tg.error": "\(refusal.detail)",
        ]
        if let claimed = refusal.claimedSource { metadata["tg.claimed_source"] = "\(claimed)" }
        logger.warning("\(refusal.message)", metadata: metadata)
    }
}
