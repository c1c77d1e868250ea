import FileLedger
import Foundation
import Recording
import SSH

/// Everything that reads a session's streams as they are relayed: the recorder, the
/// watchers' feed, the file ledger, and a grant's file rules (which also decide what of the
/// engineer's requests reaches the target). Each only copies on the relay's path; the work is
/// done on their own threads. They may be added in any order: the relays' taps are rebuilt
/// from all of them each time.
final class SessionTaps {
    private let toTarget: StreamRelay
    private let fromTarget: StreamRelay
    private let errorsFromTarget: StreamRelay
    private var recorder: SessionRecorder?
    /// What the engineer types is recorded only on a terminal (keystrokes to replay).
    private var recordsInput = false
    private var feed: WatchFeed?
    private var fileLedger: FileLedgerTap?
    private(set) var fileRules: FileRuleGuard?

    /// How long a session's end waits for its recording to reach the disk. Seconds in
    /// practice even for 100 MiB; past this the disk is hung and the connection must not be.
    static let recordingCloseTimeout = 30
    /// How long a session's end waits for its ledger's last entries (so that they precede
    /// `session.close` in the trail). Hashing what its bounded queue holds takes well under this.
    static let fileLedgerCloseTimeout = 10.0

    init(toTarget: StreamRelay, fromTarget: StreamRelay, errorsFromTarget: StreamRelay) {
        self.toTarget = toTarget
        self.fromTarget = fromTarget
        self.errorsFromTarget = errorsFromTarget
    }

    /// What the target prints (and, on a terminal, what the engineer types) into the recording.
    func record(with recorder: SessionRecorder, input: Bool) {
        self.recorder = recorder
        recordsInput = input
        install()
    }

    /// What the target prints, for the session's watchers.
    func publish(to feed: WatchFeed) {
        self.feed = feed
        install()
    }

    /// The protocol streams (stdin and stdout, never stderr) for the file ledger.
    func followFiles(with ledger: FileLedgerTap) {
        fileLedger = ledger
        install()
    }

    /// A grant's file rules on this sftp session's requests: the other taps then see only
    /// what reaches the target.
    func enforce(_ rules: FileRuleGuard) {
        fileRules = rules
        toTarget.transform = { rules.filter($0) }
        install()
    }

    private func install() {
        let output: [(UnsafeRawBufferPointer) -> Void] = [recorder.map { $0.output }, feed.map { $0.publish }].compactMap { $0 }
        // The rules follow the target's packet boundaries first: a refusal's reply can only
        // be slipped in at one.
        fromTarget.tap = Self.chain([fileRules.map { $0.observeTarget }].compactMap { $0 } + output
            + [fileLedger.map { $0.fromTarget }].compactMap { $0 })
        errorsFromTarget.tap = Self.chain(output)
        toTarget.tap = Self.chain([recordsInput ? recorder.map { $0.input } : nil, fileLedger.map { $0.fromClient }].compactMap { $0 })
    }

    private static func chain(_ taps: [(UnsafeRawBufferPointer) -> Void]) -> ((UnsafeRawBufferPointer) -> Void)? {
        switch taps.count {
        case 0: nil
        case 1: taps[0]
        default: { bytes in for tap in taps { tap(bytes) } }
        }
    }

    /// Why this session's recording can no longer be written, once it cannot.
    var recordingFailure: String? { recorder?.writeFailure }

    func recordResize(_ size: TerminalSize) {
        recorder?.resize(columns: size.columns, rows: size.rows)
    }

    /// Waits (bounded) for the ledger's last entries and the recording's last bytes, and
    /// returns `outcome` with the recording's size and SHA-256.
    func finish(_ outcome: SessionOutcome) -> SessionOutcome {
        var outcome = outcome
        if let fileLedger {
            fileLedger.finish(waitingAtMost: Self.fileLedgerCloseTimeout)
            self.fileLedger = nil
        }
        if let recorder {
            switch recorder.finish(exitStatus: outcome.exitStatus, waitingAtMost: .seconds(Self.recordingCloseTimeout)) {
            case .closed(let summary): outcome.recording = summary
            case .alreadyFinished: break
            case .timedOut: outcome.unclosedRecording = (path: recorder.path, waitedSeconds: Self.recordingCloseTimeout)
            }
            self.recorder = nil
        }
        return outcome
    }
}
