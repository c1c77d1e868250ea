import Foundation

/// A fresh directory under the system temp dir, removed when the value goes away. Each test
/// gets its own real files: the behaviour under test (WAL, permissions, locks) lives there.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/tracegate-audit-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(cString: created)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The conventional state layout: `<tmp>/state/audit.db`, the directory not yet created.
    var databasePath: String { path + "/state/audit.db" }

    deinit {
        // Permission changes made by a test must not stop the clean-up.
        _ = chmod(path + "/state/audit.db", 0o600)
        try? FileManager.default.removeItem(atPath: path)
    }
}

import Audit

/// A store and the directory holding it, kept alive together: dropping the directory
/// deletes the file under the store.
final class StoreFixture {
    let directory: TemporaryDirectory
    let store: AuditStore

    init(events: [AuditEvent] = []) throws {
        directory = try TemporaryDirectory()
        store = try AuditStore.open(path: directory.databasePath)
        if !events.isEmpty { store.writeAll(events) }
    }
}
