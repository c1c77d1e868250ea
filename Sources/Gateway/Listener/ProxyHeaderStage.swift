import Foundation
import Policy
import SSH

/// Connections accepted but not yet given to libssh, while the acceptor learns whether they
/// start with a PROXY protocol v2 header. Used by the acceptor thread only; nothing here blocks:
/// the acceptor polls these sockets together with the listening one, and each look is a
/// non-blocking `recv`.
///
/// Bytes are peeked, never read ahead: only bytes that can be nothing but a header's are
/// consumed (a prefix of the signature while the rest is awaited, then exactly the header's
/// length), so the SSH banner behind a header, or a direct client's first bytes, stay in the
/// socket for libssh.
final class ProxyHeaderStage {
    enum Outcome {
        /// Ready for libssh. `socket` carries the client's address (the header's source when a
        /// trusted proxy named one); `via` is the proxy's `host:port` then. `fromTrustedProxy`:
        /// admission (penalties, caps) has not run yet, as the client was unknown at accept.
        case ready(AcceptedSocket, via: String?, fromTrustedProxy: Bool)
        /// To be closed and audited. `socket` is the socket's peer, whoever the header claimed.
        case refused(AcceptedSocket, ProxyRefusal, fromTrustedProxy: Bool)
    }

    private struct Waiting {
        let socket: AcceptedSocket
        let trusted: Bool
        let deadline: ContinuousClock.Instant
        /// Header bytes consumed so far (a signature prefix, while more is awaited).
        var consumed: [UInt8] = []
    }

    /// How long a connection from an untrusted address is watched for a header before libssh
    /// gets it anyway. Clients send their banner at once, so this bounds only one that waits
    /// for the server's first (RFC 4253 allows it), and a silent one, which libssh then times out.
    static let untrustedGrace: Duration = .milliseconds(500)

    private var waiting: [Int32: Waiting] = [:]

    var descriptors: [Int32] { Array(waiting.keys) }
    var trustedCount: Int { waiting.values.filter(\.trusted).count }
    var nextDeadline: ContinuousClock.Instant? { waiting.values.map(\.deadline).min() }

    func add(_ socket: AcceptedSocket, trusted: Bool, timeout: Duration, now: ContinuousClock.Instant = .now) {
        waiting[socket.descriptor] = Waiting(socket: socket, trusted: trusted, deadline: now + timeout)
    }

    /// Looks at a socket the poll reported readable, hung up or failed: an outcome once it is
    /// decided, nil while the header is still incomplete.
    func inspect(_ descriptor: Int32) -> Outcome? {
        guard var entry = waiting[descriptor] else { return nil }
        var buffer = [UInt8](repeating: 0, count: ProxyHeader.maximumLength - entry.consumed.count)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
        // 0 is the peer's end of stream; an error (a reset) is the same for a header that never came.
        let peeked = count > 0 ? Array(buffer.prefix(count)) : []
        let bytes = entry.consumed + peeked
        let scan = ProxyHeader.scan(bytes)
        switch scan {
        case .incomplete where count > 0:
            // Every byte so far belongs to a header (or to garbage that cannot be SSH): consume
            // it, so that the level-triggered poll wakes again only when more arrives.
            guard consume(descriptor, count) else { return finish(descriptor, decide(entry, .incomplete(needed: 0), closed: true)) }
            entry.consumed += peeked
            waiting[descriptor] = entry
            return nil
        case .header(let header):
            guard consume(descriptor, header.length - entry.consumed.count) else {
                return finish(descriptor, decide(entry, .incomplete(needed: header.length), closed: true))
            }
            return finish(descriptor, decide(entry, scan, closed: false))
        default:
            return finish(descriptor, decide(entry, scan, closed: count <= 0))
        }
    }

    /// Decides every connection whose time ran out.
    func expire(now: ContinuousClock.Instant = .now) -> [Outcome] {
        waiting.values.filter { $0.deadline <= now }.compactMap { entry in
            finish(entry.socket.descriptor, decide(entry, .incomplete(needed: 0), closed: true, timedOut: true))
        }
    }

    /// Everything still waiting, for shutdown: the acceptor closes them.
    func drain() -> [(socket: AcceptedSocket, trusted: Bool)] {
        defer { waiting.removeAll() }
        return waiting.values.map { ($0.socket, $0.trusted) }
    }

    private func finish(_ descriptor: Int32, _ outcome: Outcome?) -> Outcome? {
        if outcome != nil { waiting[descriptor] = nil }
        return outcome
    }

    /// Reads `count` bytes already seen by a peek (so they are there); false if the socket failed.
    private func consume(_ descriptor: Int32, _ count: Int) -> Bool {
        guard count > 0 else { return true }
        var sink = [UInt8](repeating: 0, count: count)
        return recv(descriptor, &sink, count, Int32(MSG_DONTWAIT)) == count
    }

    /// The trust rules of `ProxyProtocolSettings`, applied to what the socket showed.
    private func decide(_ entry: Waiting, _ scan: ProxyHeaderScan, closed: Bool, timedOut: Bool = false) -> Outcome? {
        let socket = entry.socket
        func refuse(_ code: ProxyRefusal.Code, _ detail: String, _ error: ProxyHeaderError? = nil,
                    claimed: ProxiedEndpoint? = nil) -> Outcome {
            .refused(socket, ProxyRefusal(code: code, detail: detail, headerError: error, claimedSource: claimed),
                     fromTrustedProxy: entry.trusted)
        }
        switch scan {
        case .header(let header):
            switch header.command {
            case .local where entry.trusted:
                // The proxy speaking for itself (a TCP health check): it is the client.
                return .ready(socket, via: nil, fromTrustedProxy: true)
            case .local:
                return refuse(.untrustedHeader, "a PROXY v2 LOCAL header")
            case .proxy(let source, _, _) where !entry.trusted:
                return refuse(.untrustedHeader, "a PROXY v2 header naming \(source)", claimed: source)
            case .proxy(let source, _, .datagram):
                return refuse(.invalidHeader, "a PROXY v2 header for a datagram transport", claimed: source)
            case .proxy(let source, _, .stream):
                let client = source.address.unmappedIPv4 ?? source.address
                return .ready(socket.attributed(to: client.description, port: source.port),
                              via: "\(socket.address):\(socket.port)", fromTrustedProxy: true)
            }
        case .invalid(let error):
            return entry.trusted
                ? refuse(.invalidHeader, error.description, error)
                : refuse(.untrustedHeader, "a malformed PROXY header: \(error.description)", error)
        case .absent:
            return entry.trusted
                ? refuse(.missingHeader, "the connection started without a PROXY v2 header")
                : .ready(socket, via: nil, fromTrustedProxy: false)
        case .incomplete:
            guard closed else { return nil }
            if entry.trusted {
                return refuse(.missingHeader, timedOut ? "no complete PROXY v2 header within the timeout"
                                                       : "the connection closed before a complete PROXY v2 header")
            }
            // Nothing seen: a direct client that waits for the server's banner, or a scan;
            // libssh handles it as it always did.
            return entry.consumed.isEmpty
                ? .ready(socket, via: nil, fromTrustedProxy: false)
                : refuse(.untrustedHeader, "the start of a PROXY header")
        }
    }
}
