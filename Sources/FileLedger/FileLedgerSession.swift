import Foundation
import Synchronization

/// What the ledger thread reports for one session: entries as files close, and once, why
/// it stopped following the stream.
package struct FileLedgerHandlers: Sendable {
    package var entries: @Sendable ([FileLedgerEntry]) -> Void
    package var stopped: @Sendable (FileLedgerEntry.Integrity, String) -> Void

    package init(entries: @escaping @Sendable ([FileLedgerEntry]) -> Void,
                 stopped: @escaping @Sendable (FileLedgerEntry.Integrity, String) -> Void) {
        self.entries = entries
        self.stopped = stopped
    }
}

/// One session's bounded hand-off from its relay thread to the ledger thread, and its parser.
///
/// The relay only copies bytes in under a short lock; above `maxPendingBytes` it drops them
/// and the parser is told (`skipped`): the session's ledger is then marked `overflow`, and
/// the transfer goes on at full speed.
final class FileLedgerSession: @unchecked Sendable {
    private enum Item {
        case bytes(fromClient: Bool, [UInt8], time: Double)
        case skipped(time: Double)
        case finish(time: Double, FinishSignal)
    }

    private struct State {
        var items: [Item] = []
        var pendingBytes = 0
        var scheduled = false
        var dropping = false
        var finished = false
    }

    private let state = Mutex(State())
    private let maxPendingBytes: Int
    /// Used by the ledger thread only (one drain at a time).
    private var parser: any FileLedgerParser
    private let handlers: FileLedgerHandlers
    private var reportedStop = false

    init(parser: any FileLedgerParser, maxPendingBytes: Int, handlers: FileLedgerHandlers) {
        self.parser = parser
        self.maxPendingBytes = maxPendingBytes
        self.handlers = handlers
    }

    /// Relay thread. Returns true when the thread must be woken.
    func enqueue(fromClient: Bool, _ bytes: UnsafeRawBufferPointer, at time: Double) -> Bool {
        state.withLock { state in
            guard !state.finished, !state.dropping, bytes.count > 0 else { return false }
            guard state.pendingBytes + bytes.count <= maxPendingBytes else {
                // Once a byte is lost the stream cannot be followed again: stop copying at all.
                state.dropping = true
                state.items.append(.skipped(time: time))
                return schedule(&state)
            }
            let copy = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                memcpy(buffer.baseAddress!, bytes.baseAddress!, bytes.count)
                count = bytes.count
            }
            state.items.append(.bytes(fromClient: fromClient, copy, time: time))
            state.pendingBytes += bytes.count
            return schedule(&state)
        }
    }

    /// Returns (accepted, wake).
    func enqueueFinish(at time: Double, _ signal: FinishSignal) -> (Bool, Bool) {
        state.withLock { state in
            guard !state.finished else { return (false, false) }
            state.finished = true
            state.items.append(.finish(time: time, signal))
            return (true, schedule(&state))
        }
    }

    private func schedule(_ state: inout State) -> Bool {
        guard !state.scheduled else { return false }
        state.scheduled = true
        return true
    }

    /// Ledger thread.
    func drain() {
        let items = state.withLock { state in
            let items = state.items
            state.items.removeAll()
            state.scheduled = false
            return items
        }
        var released = 0
        for item in items {
            switch item {
            case .bytes(let fromClient, let bytes, let time):
                bytes.withUnsafeBytes { fromClient ? parser.client($0, at: time) : parser.server($0, at: time) }
                released += bytes.count
            case .skipped(let time):
                parser.skipped(at: time)
            case .finish(let time, let signal):
                parser.finish(at: time)
                report()
                signal.signal()
                continue
            }
            report()
        }
        if released > 0 { state.withLock { $0.pendingBytes -= released } }
    }

    private func report() {
        let entries = parser.takeEntries()
        if !entries.isEmpty { handlers.entries(entries) }
        if !reportedStop, let stopped = parser.stopped {
            reportedStop = true
            handlers.stopped(stopped.integrity, stopped.note)
        }
    }
}

/// Lets a session's end wait (bounded) until its ledger has reported everything.
final class FinishSignal: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func signal() { semaphore.signal() }

    func wait(seconds: Double) -> Bool {
        semaphore.wait(timeout: .now() + seconds) == .success
    }
}
