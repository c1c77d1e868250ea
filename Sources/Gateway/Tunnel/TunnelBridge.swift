import Audit
import Foundation
import Policy
import SSH

/// A direct-tcpip channel relayed to a plain TCP socket (tunnel mode: `ssh -J`). The
/// content is the engineer's own end-to-end SSH, so only bytes and duration are known.
final class TunnelBridge {
    let client: Channel
    let socket: TCPSocket
    let sessionID: String
    private let watch = DescriptorWatch()
    private let toTarget = ByteQueue()
    private let fromTarget = ByteQueue()
    private let startedAt = Date()
    private var isWatching = false
    private var socketEnded = false
    private var sentToSocketEnd = false
    private(set) var bytesToTarget = 0
    private(set) var bytesFromTarget = 0
    private(set) var isFinished = false
    /// The gateway-wide totals (metrics), added to once per write.
    var counters: (toTarget: RelayByteCounter, fromTarget: RelayByteCounter)?

    private static let chunk = 64 * 1024

    /// The target this tunnel reaches, to judge it again after a policy reload.
    let target: Target
    /// When the tunnel grant stops covering it (until, hours, max_session).
    var deadline: SessionDeadline?

    init(client: Channel, socket: TCPSocket, sessionID: String, target: Target) {
        self.client = client
        self.socket = socket
        self.sessionID = sessionID
        self.target = target
    }

    /// Ends the tunnel (a reload revoked its grant): both directions close now.
    func end() {
        socketEnded = true
        fromTarget.removeAll()
        client.close()
    }

    /// Set when someone overseeing it (or a lock) ended the tunnel.
    var termination: SessionTermination?
    /// Its entry in the runtime's registry of running sessions.
    var live: LiveSession?

    var outcome: SessionOutcome {
        SessionOutcome(exitStatus: nil, exitSignal: nil, durationSeconds: Date().timeIntervalSince(startedAt),
                       bytesToTarget: bytesToTarget, bytesFromTarget: bytesFromTarget, recording: nil,
                       endReason: termination.map { $0.lockID == nil ? "terminated" : "locked" }, termination: termination)
    }

    /// Watch the socket only while the engineer's window can take more: a readable socket
    /// nobody reads would keep waking the poll.
    func pump(_ poller: EventPoller) {
        relayFromSocket()
        relayToSocket()
        let wantsSocket = !socketEnded && fromTarget.isEmpty && client.sendWindow > 0 && !client.sentClose
        if wantsSocket && !isWatching {
            poller.addDescriptor(socket.descriptor, watch: watch)
            isWatching = true
            watch.isReadable = true
        } else if !wantsSocket && isWatching {
            poller.removeDescriptor(socket.descriptor)
            isWatching = false
        }
        if client.receivedClose || (socketEnded && fromTarget.isEmpty) {
            client.close()
        }
        if client.receivedClose && client.sentClose {
            if isWatching { poller.removeDescriptor(socket.descriptor); isWatching = false }
            socket.close()
            isFinished = true
        }
    }

    private func relayFromSocket() {
        if fromTarget.isEmpty && watch.isReadable && !socketEnded {
            watch.isReadable = false
            let window = min(client.sendWindow, Self.chunk)
            if window > 0 {
                var ended = false
                fromTarget.append(maximum: window) { buffer in
                    guard let count = socket.read(into: buffer) else { return 0 }
                    if count == 0 { ended = true }
                    return count
                }
                if ended { socketEnded = true }
            }
        }
        while !fromTarget.isEmpty && !client.sentClose {
            let written = (try? fromTarget.withQueuedBytes { (bytes) throws(SSHError) -> Int in
                try client.write(bytes, stderr: false)
            }) ?? 0
            guard written > 0 else { break }
            fromTarget.removeFirst(written)
            bytesFromTarget += written
            counters?.fromTarget.add(written)
        }
        if socketEnded && fromTarget.isEmpty { client.sendEOF() }
    }

    private func relayToSocket() {
        if toTarget.isEmpty && client.hasUnreadOutput, let available = client.bufferedByteCount(stderr: false),
           available > 0 {
            client.clearUnreadFlag(stderr: false)
            toTarget.append(maximum: available) { client.read(into: $0, stderr: false) }
        }
        while !toTarget.isEmpty {
            guard let written = toTarget.withQueuedBytes({ socket.write($0) }) else {
                socketEnded = true
                toTarget.removeAll()
                return
            }
            guard written > 0 else { return }
            toTarget.removeFirst(written)
            bytesToTarget += written
            counters?.toTarget.add(written)
        }
        if client.receivedEOF && !sentToSocketEnd && (client.bufferedByteCount(stderr: false) ?? 0) == 0 {
            sentToSocketEnd = true
            socket.shutdownWrite()
        }
    }

    /// Something is still queued towards the target socket: poll again soon.
    var hasPendingWrites: Bool { !toTarget.isEmpty }

    /// Engineer bytes already in libssh's buffer: pump again instead of sleeping.
    var canProgress: Bool {
        (toTarget.isEmpty && client.hasUnreadOutput) || (!fromTarget.isEmpty && client.sendWindow > 0)
    }
}
