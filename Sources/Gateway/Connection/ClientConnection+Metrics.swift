/// What a relaying channel tells the metrics: it is active (by organisation and target)
/// until the journal closes it, and its bytes count towards the gateway-wide totals.
extension ClientConnection {
    func startCounting(_ bridge: ChannelBridge) {
        let metrics = journal.metrics
        bridge.count(toTarget: metrics.bytesToTarget, fromTarget: metrics.bytesFromTarget)
        metrics.sessionStarted(id: bridge.sessionID, organization: context.user?.organization, target: context.target?.name)
    }

    func startCounting(_ tunnel: TunnelBridge) {
        let metrics = journal.metrics
        tunnel.counters = (metrics.bytesToTarget, metrics.bytesFromTarget)
        metrics.sessionStarted(id: tunnel.sessionID, organization: context.user?.organization, target: tunnel.target.name)
    }
}
