import Foundation
import Logging
import Policy
import SSH

/// A new TCP connection's way from accept(2) to libssh, on the acceptor thread: who the client
/// is (a trusted proxy's PROXY header, or the socket's peer), then the accept-time defences
/// (penalties, the handshake cap, early drop) against that client.
///
/// Without `proxy_protocol`, connections go to libssh at once, as they always did. With it,
/// connections from outside `proxy_protocol.from` are admitted at once on their socket address,
/// then watched briefly for a header (which refuses them); connections from a trusted proxy
/// wait for their header, bounded by `proxy_protocol.timeout` and by `max_unauthenticated`
/// waiting at a time, and are admitted on the header's client. One thread polls them all, so
/// a silent connection costs a descriptor, never a thread.
final class ConnectionIntake {
    /// A connection that may start its handshake.
    struct Admitted {
        let socket: AcceptedSocket
        /// The trusted proxy's `host:port` when a header named the client.
        let via: String?
    }

    private let listener: ServerListener
    private let runtime: GatewayRuntime
    private let gate: AcceptGate
    private let metrics: GatewayMetrics
    private let stage = ProxyHeaderStage()
    /// Accepts per wake-up, so that a burst cannot starve the headers already waiting.
    private static let acceptBurst = 64

    init(listener: ServerListener, runtime: GatewayRuntime, metrics: GatewayMetrics, logger: Logger) {
        self.listener = listener
        self.runtime = runtime
        self.metrics = metrics
        self.gate = AcceptGate(runtime: runtime, logger: logger)
    }

    /// Waits up to `timeoutMilliseconds` for new connections and header bytes; returns the
    /// connections admitted meanwhile (often none), so the caller can look at shutdown between.
    func waitForConnections(timeoutMilliseconds: Int32) -> [Admitted] {
        var descriptors = [pollfd(fd: listener.listeningDescriptor, events: Int16(POLLIN), revents: 0)]
        descriptors += stage.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&descriptors, nfds_t(descriptors.count), timeout(limit: timeoutMilliseconds))
        let settings = runtime.settings
        var admitted: [Admitted] = []
        for entry in descriptors.dropFirst() where entry.revents != 0 {
            if let outcome = stage.inspect(entry.fd) { settle(outcome, settings: settings, into: &admitted) }
        }
        for outcome in stage.expire() { settle(outcome, settings: settings, into: &admitted) }
        if descriptors[0].revents != 0 {
            for _ in 0..<Self.acceptBurst {
                guard let socket = listener.acceptReady() else { break }
                arrive(socket, settings: settings, into: &admitted)
            }
        }
        return admitted
    }

    /// Closes the connections still waiting for a header, at shutdown.
    func closeWaiting() {
        for (socket, trusted) in stage.drain() {
            if !trusted { runtime.admission.closed(source: socket.address, wasAuthenticated: false) }
            ServerListener.refuse(socket)
        }
    }

    /// The poll's limit: the caller's, or sooner when a waiting header's time runs out.
    private func timeout(limit: Int32) -> Int32 {
        guard let deadline = stage.nextDeadline else { return limit }
        let (seconds, attoseconds) = (deadline - .now).components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: max(0, min(Int64(limit), milliseconds)))
    }

    private func arrive(_ socket: AcceptedSocket, settings: GatewaySettings, into admitted: inout [Admitted]) {
        guard let proxy = settings.configuration.proxyProtocol else {
            // No load balancer configured: nothing to read before SSH, so nothing waits (a
            // client that waits for the server's banner first, like ssh-audit, gets it at once).
            // A PROXY header sent anyway fails libssh's banner check and is audited as a
            // failed key exchange.
            if let refusal = gate.admit(socket, settings: settings) {
                ServerListener.refuse(socket)
                metrics.connectionRefused(reason: refusal.rawValue)
                return
            }
            admitted.append(Admitted(socket: socket, via: nil))
            return
        }
        if proxy.trusts(socket.address) {
            guard stage.trustedCount < settings.limits.maxUnauthenticated else {
                gate.refusedWaitingForHeader(socket)
                ServerListener.refuse(socket)
                metrics.connectionRefused(reason: AcceptGate.Refusal.tooManyUnauthenticated.rawValue)
                return
            }
            stage.add(socket, trusted: true, timeout: proxy.headerTimeout)
            return
        }
        if let refusal = gate.admit(socket, settings: settings) {
            ServerListener.refuse(socket)
            metrics.connectionRefused(reason: refusal.rawValue)
            return
        }
        stage.add(socket, trusted: false, timeout: ProxyHeaderStage.untrustedGrace)
    }

    private func settle(_ outcome: ProxyHeaderStage.Outcome, settings: GatewaySettings, into admitted: inout [Admitted]) {
        switch outcome {
        case .ready(let socket, let via, let fromTrustedProxy):
            // The client behind a proxy is known only now: the accept-time defences apply to it.
            if fromTrustedProxy, let refusal = gate.admit(socket, settings: settings) {
                ServerListener.refuse(socket)
                metrics.connectionRefused(reason: refusal.rawValue)
                return
            }
            admitted.append(Admitted(socket: socket, via: via))
        case .refused(let socket, let refusal, let fromTrustedProxy):
            if !fromTrustedProxy { runtime.admission.closed(source: socket.address, wasAuthenticated: false) }
            ServerListener.refuse(socket)
            metrics.connectionRefused(reason: refusal.code.rawValue)
            runtime.journal.proxyHeaderRefused(peer: socket.address, port: socket.port, refusal)
            // A header from an untrusted address is an attack or a misconfiguration: it costs the
            // sender like a connection that never authenticated, which also bounds how many of
            // these refusals a flood can write to the trail before it is closed at accept unaudited.
            guard !fromTrustedProxy else { return }
            let penalties = settings.configuration.penalties
            if let imposed = runtime.penalties.record(.noAuthentication, from: socket.address, settings: penalties) {
                let until = runtime.journal.penaltyImposed(imposed, triggeredBy: socket.address,
                                                           metadata: ["tg.client": "\(socket.address):\(socket.port)"])
                runtime.sharePenalty(imposed, until: until)
            }
        }
    }
}
