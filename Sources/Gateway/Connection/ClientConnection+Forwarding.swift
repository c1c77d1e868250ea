import Audit
import Foundation
import Policy
import SSH

/// direct-tcpip channels: `ssh -L` under a recorded grant goes through the gateway's own
/// connection to the target, to the destinations the grant lists; `ssh -J`/`-W` under a
/// tunnel grant reaches the target's SSH port over plain TCP. Everything else is refused.
extension ClientConnection {
    /// Prepared while libssh waits for the answer to the open; bound to the new channel
    /// by `forwardingOpened`.
    enum PreparedForward {
        case throughUpstream(Channel, sessionID: String)
        case tunnel(TCPSocket, sessionID: String, target: Target, grant: Grant)
    }

    func forwardingRequested(_ request: ForwardingRequest) -> ServerReply {
        guard !runtime.shutdown.isRequested else { return .deny }
        if case .authorized(.allowed(_, let target, let login, let grant)) = phase, grant.mode == .record {
            return prepareLocalForward(request, target: target, login: login, grant: grant)
        }
        return prepareTunnel(request)
    }

    func forwardingOpened(_ channel: Channel, _ request: ForwardingRequest) {
        switch preparedForward.take() {
        case .throughUpstream(let upstreamChannel, let sessionID):
            let bridge = ChannelBridge(client: channel, sessionID: sessionID)
            bridge.startRelaying(to: upstreamChannel, as: nil)
            startCounting(bridge)
            registerLiveForward(bridge)
            bridges.append(bridge)
        case .tunnel(let socket, let sessionID, let target, let grant):
            let tunnel = TunnelBridge(client: channel, socket: socket, sessionID: sessionID, target: target)
            tunnel.deadline = grant.deadline(startedAt: Date())
            startCounting(tunnel)
            registerLive(tunnel)
            tunnels.append(tunnel)
        case nil:
            channel.close()
        }
    }

    private func prepareLocalForward(_ request: ForwardingRequest, target: Target, login: String,
                                     grant: Grant) -> ServerReply {
        guard let destination = settings.policy.forwardingDestination(
            grant: grant, destinationHost: request.destinationHost, destinationPort: request.destinationPort) else {
            let refusal = Refusal.denied(settings.policy.forwardingDenial(
                destinationHost: request.destinationHost, destinationPort: request.destinationPort))
            journal.requestRefused(context, refusal: refusal)
            for bridge in bridges { bridge.notify(refusal) }
            return .deny
        }
        guard let upstream = connectUpstream(to: target, as: login, grant: grant, terminal: false) else { return .deny }
        let sessionID = ConnectionContext.makeIdentifier(prefix: "s-")
        do {
            try journal.forwardStarted(context, sessionID: sessionID, host: destination.host, port: destination.port)
        } catch {
            return .deny
        }
        upstream.setBlocking(true)
        defer {
            upstream.setBlocking(false)
            poller.add(upstream)
        }
        do {
            let channel = try upstream.openForwardChannel(to: destination.host, port: destination.port,
                                                          from: request.originatorHost,
                                                          originatorPort: request.originatorPort)
            preparedForward.value = .throughUpstream(channel, sessionID: sessionID)
            return .accept
        } catch {
            journal.protocolError(context, "target refused forwarding to \(destination): \(error)")
            return .deny
        }
    }

    private func prepareTunnel(_ request: ForwardingRequest) -> ServerReply {
        guard let user = context.user else { return .deny }
        let decision = settings.policy.authorizeTunnel(
            user: user, destinationHost: request.destinationHost, destinationPort: request.destinationPort,
            time: Date(), sourceAddress: context.clientAddress, ticket: context.ticket)
        switch decision {
        case .denied(let reason):
            journal.requestRefused(context, refusal: .denied(reason))
            return .deny
        case .allowed(let target, let grant):
            if let refusal = lockRefusal(user: user.name, target: target.name) {
                journal.requestRefused(context, refusal: refusal)
                return .deny
            }
            context.target = target
            context.login = nil
            if secondFactorMissing(for: grant, user: user) {
                journal.requestRefused(context, refusal: .secondFactorRequired)
                return .deny
            }
            let sessionID = ConnectionContext.makeIdentifier(prefix: "s-")
            do {
                try journal.decision(context, allowedBy: grant)
                let socket = try TCPSocket(host: target.host, port: target.port, timeout: settings.limits.upstreamTimeout)
                try journal.forwardStarted(context, sessionID: sessionID, host: target.host, port: target.port)
                preparedForward.value = .tunnel(socket, sessionID: sessionID, target: target, grant: grant)
                return .accept
            } catch let failure as TCPSocket.Failure {
                journal.upstreamFailed(context, address: target.address,
                                       refusal: .targetUnreachable(target: target.name, reason: failure.description),
                                       hostKeyFingerprint: nil)
                return .deny
            } catch {
                return .deny
            }
        }
    }
}

/// A value set by one callback and taken by the next.
final class Handoff<Value> {
    var value: Value?
    func take() -> Value? {
        defer { value = nil }
        return value
    }
}
