import Foundation
import SSH

/// One engineer session channel and, once a command runs, its twin on the target.
///
/// Ordering rules, as OpenSSH expects them: all data, then EOF, then exit-status or
/// exit-signal, then close. EOF and close are forwarded only once every byte before
/// them has been written to the other side.
final class ChannelBridge {
    enum State {
        /// Collecting pty and env until shell, exec or subsystem arrives.
        case awaitingCommand
        case relaying(upstream: Channel)
        /// The engineer is told why on stderr, then the channel closes.
        case refusing(Refusal, told: Bool)
        case finished
    }

    let client: Channel
    let sessionID: String
    private(set) var state: State = .awaitingCommand
    var terminal: PseudoTerminal?
    var environment: [String: String] = [:]
    /// A request on this channel that the gateway refuses (agent or X11 forwarding);
    /// the session is refused when its command arrives.
    var pendingRefusal: Refusal?
    private(set) var description: SessionDescription?
    private var startedAt: Date?
    private let toTarget = StreamRelay()
    private let fromTarget = StreamRelay()
    private let errorsFromTarget = StreamRelay(readsStandardError: true, writesStandardError: true)

    init(client: Channel, sessionID: String) {
        self.client = client
        self.sessionID = sessionID
    }

    var upstream: Channel? {
        if case .relaying(let upstream) = state { return upstream }
        return nil
    }

    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    func startRelaying(to upstream: Channel, as description: SessionDescription) {
        self.description = description
        startedAt = Date()
        state = .relaying(upstream: upstream)
    }

    /// Refuses the session; the message goes out from `pump`, after libssh has sent the
    /// reply to the request that is being handled now.
    func refuse(_ refusal: Refusal) {
        switch state {
        case .refusing, .finished: return
        case .awaitingCommand, .relaying: state = .refusing(refusal, told: false)
        }
    }

    var outcome: SessionOutcome? {
        guard let startedAt, case .relaying(let upstream) = state else { return nil }
        return SessionOutcome(
            exitStatus: upstream.exitStatus,
            exitSignal: upstream.exitSignal?.name,
            durationSeconds: Date().timeIntervalSince(startedAt),
            bytesToTarget: toTarget.bytesRelayed,
            bytesFromTarget: fromTarget.bytesRelayed + errorsFromTarget.bytesRelayed)
    }

    /// Moves data and lifecycle messages as far as they can go without blocking.
    func pump() {
        switch state {
        case .awaitingCommand:
            if client.receivedClose { client.close(); state = .finished }
        case .refusing(let refusal, let told):
            if !told { tell(refusal) }
            if client.receivedClose || client.isFreed { state = .finished }
        case .relaying(let upstream):
            do {
                try relay(between: client, and: upstream)
            } catch {
                client.close()
                upstream.close()
            }
            if client.receivedClose && client.sentClose && upstream.receivedClose && upstream.sentClose {
                finishedOutcome = outcome
                state = .finished
            }
        case .finished:
            break
        }
    }

    /// The outcome captured when relaying ended (the state no longer holds the channel).
    private(set) var finishedOutcome: SessionOutcome?

    private func relay(between client: Channel, and upstream: Channel) throws(SSHError) {
        try toTarget.pump(from: client, to: upstream.sentEOF ? nil : upstream)
        if client.receivedEOF && !upstream.sentEOF && toTarget.isDrained(from: client) {
            upstream.sendEOF()
        }
        if client.receivedClose && !upstream.sentClose {
            // The engineer is gone from this channel: nothing more will be read here.
            upstream.close()
        }
        let clientReader: Channel? = client.sentClose ? nil : client
        try fromTarget.pump(from: upstream, to: clientReader)
        try errorsFromTarget.pump(from: upstream, to: clientReader)
        let targetDrained = fromTarget.isDrained(from: upstream) && errorsFromTarget.isDrained(from: upstream)
        if upstream.receivedEOF && targetDrained && !client.sentEOF {
            client.sendEOF()
        }
        if upstream.receivedClose && targetDrained && !client.sentClose {
            if let signal = upstream.exitSignal {
                client.sendExitSignal(signal)
            } else if let status = upstream.exitStatus {
                client.sendExitStatus(status)
            }
            client.close()
        }
        if client.receivedClose && upstream.receivedClose {
            client.close()
            upstream.close()
        }
    }

    /// The target connection died under this session: say so and end it.
    func upstreamLost(_ refusal: Refusal) {
        guard case .relaying = state else { return }
        finishedOutcome = outcome
        state = .refusing(refusal, told: false)
    }

    /// Shows a refusal on a running session's stderr without ending it.
    func notify(_ refusal: Refusal) {
        guard case .relaying = state, !client.sentClose else { return }
        writeLine(refusal.message)
    }

    private func writeLine(_ message: String) {
        // A pty is in raw mode on the engineer's side: a bare \n would not return the carriage.
        let line = message + (terminal == nil ? "\n" : "\r\n")
        _ = Array(line.utf8).withUnsafeBytes { try? client.write($0, stderr: true) }
    }

    private func tell(_ refusal: Refusal) {
        state = .refusing(refusal, told: true)
        guard !client.sentClose else { return }
        writeLine(refusal.message)
        client.sendExitStatus(255)
        client.close()
    }
}
