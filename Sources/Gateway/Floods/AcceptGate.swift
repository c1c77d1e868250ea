import Logging
import Policy
import SSH

/// The acceptor's decision about a new TCP connection, before any SSH is spoken: penalised
/// sources, then the handshake cap and its random early drop. Used by the acceptor thread only.
///
/// Refusals are logged at most once a second with counts, so that a flood of thousands of
/// connections writes a few lines, not thousands (each penalty itself is logged and audited
/// once, when it begins).
final class AcceptGate {
    private let runtime: GatewayRuntime
    private let logger: Logger
    private var refusedSinceLastLine: [String: Int] = [:]
    private var lastLine = ContinuousClock.now - .seconds(10)

    init(runtime: GatewayRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
    }

    /// Why a connection is closed at accept; the raw value is the metrics label.
    enum Refusal: String {
        case penalisedSource = "penalised_source"
        case tooManyUnauthenticated = "too_many_unauthenticated"
        case earlyDrop = "early_drop"
    }

    /// Nil when the connection may start its handshake (and now counts as unauthenticated).
    func admit(_ socket: AcceptedSocket, settings: GatewaySettings) -> Refusal? {
        let configuration = settings.configuration
        if runtime.penalties.isPenalised(socket.address, settings: configuration.penalties) {
            refused("penalised source", socket)
            return .penalisedSource
        }
        switch runtime.admission.admit(source: socket.address, limits: configuration.limits) {
        case .admitted:
            return nil
        case .full:
            refused("too many unauthenticated connections", socket)
            return .tooManyUnauthenticated
        case .earlyDrop:
            refused("random early drop", socket)
            return .earlyDrop
        }
    }

    /// A trusted proxy's connection refused because `max_unauthenticated` connections already
    /// wait for their PROXY header (the client is not known yet, so no per-source rule applies).
    func refusedWaitingForHeader(_ socket: AcceptedSocket) {
        refused("too many connections waiting for a PROXY header", socket)
    }

    private func refused(_ why: String, _ socket: AcceptedSocket) {
        refusedSinceLastLine[why, default: 0] += 1
        logger.debug("connection refused at accept", metadata: ["tg.client": "\(socket.address):\(socket.port)", "tg.reason": "\(why)"])
        let now = ContinuousClock.now
        guard now - lastLine >= .seconds(1) else { return }
        for (reason, count) in refusedSinceLastLine.sorted(by: { $0.key < $1.key }) {
            logger.warning("connections refused at accept: \(reason)", metadata: [
                "tg.refused": "\(count)", "tg.last_client": "\(socket.address)",
                "tg.unauthenticated": "\(runtime.admission.unauthenticatedConnections)",
            ])
        }
        refusedSinceLastLine.removeAll()
        lastLine = now
    }
}
