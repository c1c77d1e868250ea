import Policy
import SSH

/// `limits.max_channels_per_connection` and `limits.max_sessions_per_user`. A session channel
/// over a limit is accepted and then refused at its first request, so that the engineer reads
/// why on stderr (libssh 0.10.6 cannot put a reason in a refused channel open); a forward
/// over the limit is refused at open, and any open session of the connection is told why.
extension ClientConnection {
    /// How many refused session channels may wait for their request before further opens
    /// are refused outright (a client opening channels and never using them).
    private static var refusedChannelAllowance: Int { 8 }

    var openChannelCount: Int { bridges.count + tunnels.count }

    func openSessionChannel(_ channel: Channel) -> ServerReply {
        let limits = settings.limits
        let bridge = ChannelBridge(client: channel, sessionID: ConnectionContext.makeIdentifier(prefix: "s-"))
        var refusal: Refusal?
        if openChannelCount >= limits.maxChannelsPerConnection {
            guard openChannelCount < limits.maxChannelsPerConnection + Self.refusedChannelAllowance else { return .deny }
            refusal = .tooManyChannels(limit: limits.maxChannelsPerConnection)
        } else if let user = context.user?.name,
                  !runtime.userSessions.open(bridge.sessionID, user: user, limit: limits.maxSessionsPerUser) {
            refusal = .tooManySessions(user: user, limit: limits.maxSessionsPerUser)
        }
        if let refusal {
            bridge.pendingRefusal = refusal
            journal.requestRefused(context, refusal: refusal)
        }
        bridges.append(bridge)
        return .accept
    }

    /// Nil when one more forward fits on this connection.
    func forwardingLimitRefusal() -> ServerReply? {
        let limit = settings.limits.maxChannelsPerConnection
        guard openChannelCount >= limit else { return nil }
        let refusal = Refusal.tooManyChannels(limit: limit)
        journal.requestRefused(context, refusal: refusal)
        for bridge in bridges { bridge.notify(refusal) }
        return .deny
    }
}
