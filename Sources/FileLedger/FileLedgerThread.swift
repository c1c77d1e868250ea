import TapThreads

/// The one thread that parses and hashes every session's transfers, off the relay's path
/// (see `DrainThread`).
package final class FileLedgerThread: Sendable {
    package static let shared = FileLedgerThread(name: "tg-file-ledger")

    private let thread: DrainThread

    package init(name: String) {
        thread = DrainThread(name: name)
    }

    func schedule(_ session: FileLedgerSession) {
        thread.schedule(session)
    }
}

extension FileLedgerSession: Drainable {}
