import Audit
import Foundation
import Policy
import Recording

/// One person following a running session from their own channel, on their connection's
/// thread: first the session's screen as it is (the recording so far, replayed), then its
/// output live. Keys do nothing but `q` (leave) and, with the right, `t` (end the session,
/// after a reason). Output is taken at a reader's pace and bounded (`Watcher`); beyond it
/// the watcher skips ahead to the newest output and reads how much it missed.
final class WatchSession {
    private enum Mode {
        case following
        case askingReason(LineEditor)
        case finished
    }

    let desk: OversightDesk
    let session: LiveSession
    private let feed: WatchFeed
    private let watcher: Watcher
    private let rule: String
    private let mayTerminate: Bool
    private let interactive: Bool
    private var mode = Mode.following
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var left = false
    private var skipNotices = WatchSkipNotices()

    /// How much of the recording so far a joining watcher is shown at most.
    static let replayLimit = 1024 * 1024

    init(desk: OversightDesk, session: LiveSession, feed: WatchFeed, rule: String, mayTerminate: Bool,
         interactive: Bool, control: ConnectionControl) {
        self.desk = desk
        self.session = session
        self.feed = feed
        self.rule = rule
        self.mayTerminate = mayTerminate
        self.interactive = interactive
        watcher = Watcher(name: desk.caller.name, organization: desk.caller.organization, control: control)
        // Subscribed before the recording is read: a byte may then show twice, never be missing.
        feed.add(watcher)
        desk.runtime.journal.audit.record(.watch(desk.caller.audit, started: true, session: desk.overseen(session), rule: rule))
        if desk.runtime.settings.announcesWatchers {
            session.control.send(.notify(sessionID: session.id, "tracegate: \(desk.caller.displayName) is watching this session"))
        }
        let what = [session.login.map { "\($0)@" } ?? "", session.target?.name ?? "?"].joined()
        var banner = "tracegate: watching \(session.id), \(session.user.name) (\(session.user.organization)) on \(what)"
        banner += mayTerminate ? "; q leaves, t ends the session\n" : "; q leaves\n"
        append(text(banner))
        append(Self.replay(feed, note: text))
    }

    /// The last write took less than offered (libssh holds what the watcher's TCP socket
    /// cannot take: a stopped client). Until the next poll, pumping again would move
    /// nothing and only spin the loop.
    var writeBlocked = false

    /// Whether bytes wait for the watcher's channel (flags only: asked on every loop trip).
    var hasOutput: Bool {
        if pendingStart < pending.count { return true }
        guard case .following = mode else { return false }
        return watcher.hasData
    }

    var isFinished: Bool {
        if case .finished = mode { return true }
        return false
    }

    /// Hands the next bytes (at most `maximum`) to `write`, which returns how many it took.
    func withOutput(maximum: Int, _ write: (UnsafeRawBufferPointer) -> Int) -> Int {
        if pendingStart >= pending.count { refill() }
        guard pendingStart < pending.count else { return 0 }
        let count = min(maximum, pending.count - pendingStart)
        let written = pending.withUnsafeBytes { bytes in
            write(UnsafeRawBufferPointer(rebasing: bytes[pendingStart..<(pendingStart + count)]))
        }
        pendingStart += written
        writeBlocked = written < count
        if pendingStart >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        return written
    }

    /// Live output (not while a reason is being typed: the prompt stays readable).
    private func refill() {
        guard case .following = mode else { return }
        let taken = watcher.take()
        append(skipNotices.render(taken, text: text))
        if taken.ended {
            append(text("\ntracegate: the session ended\n"))
            finish(notify: false)
        }
    }

    /// The watcher's typing.
    func keys(_ typed: [UInt8]) {
        for byte in typed {
            switch mode {
            case .finished:
                return
            case .following:
                switch byte {
                case UInt8(ascii: "q"), 0x03, 0x04:
                    append(text("\ntracegate: you stopped watching \(session.id)\n"))
                    leave()
                case UInt8(ascii: "t") where mayTerminate:
                    mode = .askingReason(LineEditor(echoes: interactive))
                    append(text("\ntracegate: reason for ending \(session.id) (empty line: go back): "))
                case UInt8(ascii: "t"):
                    append(text("\ntracegate: you may not terminate \(session.id)\n"))
                default:
                    break
                }
            case .askingReason(var editor):
                let (echo, event) = editor.feed(byte)
                append(Array(echo.utf8))
                switch event {
                case .line(let reason) where !reason.trimmingCharacters(in: .whitespaces).isEmpty:
                    terminate(reason: reason)
                case .line, .interrupt, .endOfInput:
                    append(text("tracegate: not ended; watching again\n"))
                    mode = .following
                case nil:
                    mode = .askingReason(editor)
                }
            }
        }
    }

    private func terminate(reason: String) {
        do {
            _ = try desk.terminate(session.id, reason: OversightCommandLine.reason(reason))
            append(text("tracegate: \(session.id) is being ended\n"))
            // Stay until the session's end arrives through the feed.
            mode = .following
        } catch {
            append(text(error.message + "\n"))
            mode = .following
        }
    }

    /// Leaves the session (q, the channel closed, the watcher's connection ended). Idempotent.
    func leave() {
        finish(notify: true)
    }

    private func finish(notify: Bool) {
        mode = .finished
        guard !left else { return }
        left = true
        feed.remove(watcher)
        desk.runtime.journal.audit.record(.watch(desk.caller.audit, started: false, session: desk.overseen(session), rule: rule))
        if notify && desk.runtime.settings.announcesWatchers {
            session.control.send(.notify(sessionID: session.id, "tracegate: \(desk.caller.displayName) stopped watching this session"))
        }
    }

    private func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
    }

    /// The watcher's terminal is raw when it has a pty: line feeds need carriage returns.
    private func text(_ line: String) -> [UInt8] {
        Array((interactive ? line.replacingOccurrences(of: "\n", with: "\r\n") : line).utf8)
    }

    /// The session's output so far, from its recording (the writer thread may still hold the
    /// last moment's bytes; they arrive live).
    static func replay(_ feed: WatchFeed, note: (String) -> [UInt8] = { Array($0.replacingOccurrences(of: "\n", with: "\r\n").utf8) }) -> [UInt8] {
        guard let path = feed.recordingPath, let recording = try? AsciicastReader.read(path: path) else { return [] }
        var output: [UInt8] = []
        for event in recording.events where event.kind == .output {
            output.append(contentsOf: event.data.utf8)
        }
        guard output.count > Self.replayLimit else { return output }
        return note("[tracegate: showing the last \(Self.replayLimit / 1024) KiB of output]\n") + output.suffix(Self.replayLimit)
    }
}
