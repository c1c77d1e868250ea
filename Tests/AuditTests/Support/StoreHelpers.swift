import GRDB
@testable import Audit

extension AuditStore {
    /// Writes `events` through a real writer and closes it (so every one is committed).
    func writeAll(_ events: [AuditEvent]) {
        let writer = makeWriter()
        for event in events { writer.record(event) }
        writer.close()
    }

    func eventCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    func verifyChain() throws -> ChainVerification {
        try ChainVerifier().verify(self)
    }
}

/// Opens the file through a connection of its own, as another process would.
func independentConnection(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.readonly = true
    return try DatabaseQueue(path: path, configuration: configuration)
}
