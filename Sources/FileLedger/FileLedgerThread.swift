import Foundation

/// The one thread that parses and hashes every session's transfers, off the relay's path.
/// Sessions with queued bytes wait in a ready list and are drained in turn (as the
/// recording writer does), so one fast transfer cannot starve the others' entries.
package final class FileLedgerThread: @unchecked Sendable {
    package static let shared = FileLedgerThread(name: "tracegate-file-ledger")

    private let condition = NSCondition()
    private var ready: [FileLedgerSession] = []
    private var started = false
    private let name: String

    package init(name: String) {
        self.name = name
    }

    func schedule(_ session: FileLedgerSession) {
        condition.lock()
        defer { condition.unlock() }
        ready.append(session)
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = name
            thread.start()
        }
        condition.signal()
    }

    private func run() {
        while true {
            condition.lock()
            while ready.isEmpty { condition.wait() }
            let batch = ready
            ready.removeAll(keepingCapacity: true)
            condition.unlock()
            for session in batch { session.drain() }
        }
    }
}
