import FileLedger
import Foundation
import Policy
import Recording
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
        /// The gateway's own read-only shell answers on this channel.
        case gatewayShell(GatewayShell)
        /// Someone follows another session from this channel (`watch`).
        case watching(WatchSession)
        /// The gateway asks for a ticket on the engineer's terminal before `command` runs.
        case askingTicket(SessionCommand, LineEditor)
        /// The gateway offers break-glass on the engineer's terminal: a reason, or `refusal` stands.
        case askingReason(SessionCommand, LineEditor, Refusal)
        /// `command` waits for an approver (`ApprovalWait`); nothing reaches the target meanwhile.
        case awaitingApproval(SessionCommand, ApprovalWait)
        /// The engineer is told why on stderr, then the channel closes.
        case refusing(Refusal)
        /// Our close is sent; waiting for the client's.
        case closing
        case finished
    }

    let client: Channel
    let sessionID: String
    /// Set here and by the prompts and the gateway shell (ChannelBridge+Prompts.swift,
    /// ChannelBridge+GatewayShell.swift).
    var state: State = .awaitingCommand

    /// The channel shows another session's output to a watcher.
    var isWatching: Bool {
        if case .watching = state { return true }
        return false
    }
    var terminal: PseudoTerminal?
    var environment: [String: String] = [:]
    /// TRACEGATE_TICKET as the channel sent it (never forwarded to the target).
    var ticket: String?
    /// TRACEGATE_BREAK_GLASS as the channel sent it (never forwarded to the target).
    var breakGlassReason: String?
    /// A request on this channel that the gateway refuses (agent or X11 forwarding);
    /// the session is refused when its command arrives.
    var pendingRefusal: Refusal?
    /// When the grant stops covering this session, and whether the engineer was warned.
    var deadline: SessionDeadline?
    var warnedOfDeadline = false
    /// The approval the session runs under, once given (or found in force).
    var approval: ApprovalBoard.InForce?
    /// The request this channel opened and that has not ended yet in the trail.
    var openApprovalID: String?
    /// The target's channel, kept after relaying ends so that the connection can free it.
    private(set) var upstreamChannel: Channel?
    /// The outcome captured when relaying ended.
    private(set) var finishedOutcome: SessionOutcome?
    private(set) var startedAt: Date?
    private let toTarget = StreamRelay()
    /// What the engineer typed after the ticket line, in the same read: sent to the command first.
    var typedAfterTicket: [UInt8] = []
    /// A break-glass reason typed at the prompt, with the command it unlocks; taken once.
    var enteredReason: (SessionCommand, String)?
    /// A ticket typed at the prompt, with the command it unlocks; taken once.
    var enteredTicket: (SessionCommand, String)?
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

    var isRelaying: Bool { upstream != nil }

    /// When the gateway closed the client's channel and began to wait for its answer.
    private var closingSince: ContinuousClock.Instant?

    /// A client that has not answered the close within `grace` (stopped, or no longer
    /// reading) does not keep the session running in `live` and open in the trail: the
    /// session ends here, and libssh keeps the channel until the client's close arrives.
    func stopWaitingForClose(after grace: Duration, now: ContinuousClock.Instant) {
        guard case .closing = state, let closingSince, now - closingSince >= grace else { return }
        state = .finished
    }

    /// The recorder, the watchers' feed, the file ledger and the grant's file rules.
    private lazy var taps = SessionTaps(toTarget: toTarget, fromTarget: fromTarget, errorsFromTarget: errorsFromTarget)
    /// Its entry in the runtime's registry of running sessions.
    var live: LiveSession?
    /// A moderated session (`require_watcher`): who must watch, and since when it waits.
    var moderation: Moderation?
    /// Nothing moves between engineer and target (a moderated session without its watcher);
    /// libssh keeps what arrives within the channel windows.
    var held = false

    /// Tees what the target prints (and, on a terminal, what the engineer types) into the
    /// recording. The recorder only copies into memory; a writer thread does the disk.
    func record(with recorder: SessionRecorder) {
        taps.record(with: recorder, input: terminal != nil)
    }

    /// Copies what the target prints to `feed` too, for the session's watchers.
    func publish(to feed: WatchFeed) {
        taps.publish(to: feed)
    }

    /// Copies the protocol streams to the file ledger, which parses on its own thread.
    func followFiles(with ledger: FileLedgerTap) {
        taps.followFiles(with: ledger)
    }

    /// Applies a grant's file rules to this sftp session's requests; refusals go to the
    /// guard's `onRefused`.
    func enforce(_ rules: FileRuleGuard) {
        taps.enforce(rules)
    }

    /// Bytes relayed so far (engineer to target, target to engineer), for `live`.
    var relayedBytes: (toTarget: Int, fromTarget: Int) {
        (toTarget.bytesRelayed, fromTarget.bytesRelayed + errorsFromTarget.bytesRelayed)
    }

    /// Why this session's recording can no longer be written, once it cannot.
    var recordingFailure: String? { taps.recordingFailure }
    /// Adds this session's bytes to the gateway-wide totals as they move.
    func count(toTarget: RelayByteCounter, fromTarget: RelayByteCounter) {
        self.toTarget.counter = toTarget
        self.fromTarget.counter = fromTarget
        errorsFromTarget.counter = fromTarget
    }

    func recordResize(_ size: TerminalSize) {
        taps.recordResize(size)
    }

    /// Closes the recording (waiting for its bytes to reach the disk) and returns the
    /// session's outcome with the recording's size and SHA-256.
    func completeOutcome() -> SessionOutcome? {
        guard let outcome = finishedOutcome ?? outcome else { return nil }
        return taps.finish(outcome)
    }

    /// False for a forwarded port (`ssh -L`), which carries no terminal and no stderr.
    private(set) var isSession = true

    func startRelaying(to upstream: Channel, as description: SessionDescription?) {
        isSession = description != nil
        startedAt = Date()
        upstreamChannel = upstream
        state = .relaying(upstream: upstream)
    }

    /// Ends the session with `refusal` on its stderr; the message goes out from `pump`,
    /// after libssh has replied to the request being handled now.
    func refuse(_ refusal: Refusal) {
        switch state {
        case .refusing, .closing, .finished: return
        case .relaying:
            finishedOutcome = outcome
            finishedOutcome?.endReason = refusal.code
            finishedOutcome?.termination = refusal.termination
        case .watching(let watch):
            watch.leave()
        case .awaitingCommand, .gatewayShell, .askingTicket, .askingReason, .awaitingApproval: break
        }
        state = .refusing(refusal)
    }

    /// A line from the gateway on a running session's stderr (a watcher joined or left).
    func notice(_ text: String) {
        guard isRelaying, isSession, !client.sentClose else { return }
        writeLine(text)
    }

    /// Shows a line on a running session's stderr without ending it (a forwarded port
    /// has no stderr: its bytes belong to someone else's protocol).
    func notify(_ refusal: Refusal) {
        guard isRelaying, isSession, !client.sentClose else { return }
        writeLine(refusal.message)
    }

    var outcome: SessionOutcome? {
        guard let startedAt, case .relaying(let upstream) = state else { return finishedOutcome }
        return SessionOutcome(
            exitStatus: upstream.exitStatus,
            exitSignal: upstream.exitSignal?.name,
            durationSeconds: Date().timeIntervalSince(startedAt),
            bytesToTarget: toTarget.bytesRelayed,
            bytesFromTarget: fromTarget.bytesRelayed + errorsFromTarget.bytesRelayed,
            recording: nil)
    }

    /// Whether pumping again right away would move something. libssh reads packets inside
    /// many calls (a write flushes, a poll of one channel reads the socket), so data and
    /// EOFs can land after this bridge was pumped; the connection pumps again instead of
    /// sleeping in poll with bytes already waiting in memory.
    var canProgress: Bool {
        switch state {
        case .awaitingCommand, .closing, .finished:
            return false
        case .refusing:
            return true
        case .gatewayShell, .askingTicket, .askingReason:
            return client.hasUnreadOutput || client.receivedEOF
        case .awaitingApproval(_, let wait):
            // Without a terminal, what the client sends waits in libssh for the command.
            return !wait.announced || client.receivedClose || (terminal != nil && client.hasUnreadOutput)
        case .watching(let watch):
            return client.hasUnreadOutput || client.receivedEOF
                || (watch.hasOutput && !watch.writeBlocked && client.sendWindow > 0)
        case .relaying(let upstream) where held:
            return (client.receivedClose && !upstream.sentClose) || (upstream.receivedClose && !client.sentClose)
        case .relaying(let upstream):
            let clientReader: Channel? = client.sentClose ? nil : client
            if toTarget.canProgress(from: client, to: upstream.sentEOF ? nil : upstream)
                || fromTarget.canProgress(from: upstream, to: clientReader)
                || errorsFromTarget.canProgress(from: upstream, to: clientReader) {
                return true
            }
            let targetDrained = fromTarget.isDrained(from: upstream) && errorsFromTarget.isDrained(from: upstream)
            return (client.receivedEOF && !upstream.sentEOF && toTarget.isDrained(from: client))
                || (client.receivedClose && !upstream.sentClose)
                || (upstream.receivedEOF && !client.sentEOF && targetDrained)
                || (upstream.receivedClose && !client.sentClose && targetDrained)
        }
    }

    /// Moves data and lifecycle messages as far as they can go without blocking.
    func pump() {
        switch state {
        case .awaitingCommand:
            if client.receivedClose { client.close(); state = .finished }
        case .refusing(let refusal):
            tell(refusal)
        case .closing:
            if client.receivedClose || client.isFreed { state = .finished }
        case .gatewayShell(let shell):
            serve(shell)
        case .watching(let watch):
            follow(watch)
        case .askingTicket(let command, let editor):
            readTicket(for: command, with: editor)
        case .askingReason(let command, let editor, let refusal):
            readReason(for: command, with: editor, otherwise: refusal)
        case .awaitingApproval(_, let wait):
            watchWhileWaiting(wait)
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

    private func relay(between client: Channel, and upstream: Channel) throws(SSHError) {
        if held {
            // Only the ends move: either side leaving closes the session.
            if client.receivedClose && !upstream.sentClose { upstream.close() }
            if upstream.receivedClose && !client.sentClose { client.close() }
            if client.receivedClose && upstream.receivedClose { client.close(); upstream.close() }
            return
        }
        if !typedAfterTicket.isEmpty {
            toTarget.enqueue(typedAfterTicket)
            typedAfterTicket = []
        }
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
        if let fileRules = taps.fileRules {
            for message in fileRules.takeMessages() where !client.sentClose { writeLine(message) }
            if let replies = fileRules.takeReplies() {
                fromTarget.enqueue(replies)
                try fromTarget.pump(from: upstream, to: clientReader)
            }
            if let failure = fileRules.failure {
                // Requests that cannot be judged must not reach the target unjudged.
                refuse(.invalidRequest("the sftp stream cannot be checked against the grant's file rules (\(failure))"))
                upstream.close()
                return
            }
        }
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

    /// What the engineer typed since the last look (the gateway's own prompts only).
    func readTyped() -> [UInt8] {
        guard client.hasUnreadOutput else { return [] }
        // Cleared before asking: a flag left set with nothing buffered (seen with a watcher
        // whose client was stopped) would make the loop pump this channel forever.
        client.clearUnreadFlag(stderr: false)
        guard let available = client.bufferedByteCount(stderr: false), available > 0 else { return [] }
        // Everything libssh holds: the flag is cleared, so bytes left behind would wait for the
        // next packet to be noticed.
        var bytes = [UInt8](repeating: 0, count: available)
        let count = bytes.withUnsafeMutableBytes { client.read(into: $0, stderr: false) }
        return Array(bytes.prefix(count))
    }

    func write(_ text: String, stderr: Bool) {
        guard !text.isEmpty, !client.sentClose else { return }
        // Answers are short; a full window only truncates the gateway's own shell output.
        _ = Array(text.utf8).withUnsafeBytes { try? client.write($0, stderr: stderr) }
    }

    func writeLine(_ message: String) {
        // A pty is in raw mode on the engineer's side: a bare \n would not return the carriage.
        write(message + (terminal == nil ? "\n" : "\r\n"), stderr: true)
    }

    private func tell(_ refusal: Refusal) {
        state = .closing
        closingSince = .now
        // The target's side ends now, not when the client acknowledges: a client that has
        // stopped reading must not keep a terminated (or locked-out) command running there.
        upstreamChannel?.close()
        guard !client.sentClose else { return }
        writeLine(refusal.message)
        client.sendExitStatus(255)
        client.close()
    }

    /// The target connection died under this session: say so and end it.
    func upstreamLost(_ refusal: Refusal) {
        guard isRelaying else { return }
        refuse(refusal)
    }
}
