internal import GRDB
import Synchronization

/// Durable, ever-increasing certificate serials. Behind a protocol so that another engine
/// (PostgreSQL for a cluster) can serve it: a reservation must be atomic across every
/// process that signs with the same CA.
package protocol CertificateSerialStore: Sendable {
    /// Reserves `count` serials above every serial reserved before, durably, and returns the
    /// first of them.
    func reserveCertificateSerials(count: Int64) throws(AuditError) -> Int64
}

extension AuditStore: CertificateSerialStore {
    package func reserveCertificateSerials(count: Int64) throws(AuditError) -> Int64 {
        precondition(count > 0)
        return try write { db in
            let reserved = try Int64.fetchOne(db, sql: "SELECT reserved_through FROM certificate_serials WHERE id = 1") ?? 0
            try db.execute(
                sql: "INSERT INTO certificate_serials (id, reserved_through) VALUES (1, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET reserved_through = excluded.reserved_through",
                arguments: [reserved + count])
            return reserved + 1
        }
    }
}

/// Hands out serials one by one from blocks reserved in the store, so that a login costs no
/// database write: one durable write per `blockSize` logins. A restart starts a new block, so
/// serials stay unique and increasing, with gaps.
package final class CertificateSerialAllocator: Sendable {
    private let store: any CertificateSerialStore
    private let blockSize: Int64
    private let state = Mutex<(next: Int64, end: Int64)>((next: 0, end: 0))

    package init(store: any CertificateSerialStore, blockSize: Int64 = 1024) {
        self.store = store
        self.blockSize = blockSize
    }

    package func next() throws(AuditError) -> Int64 {
        try state.withLock { (current: inout (next: Int64, end: Int64)) throws(AuditError) -> Int64 in
            if current.next >= current.end {
                let first = try store.reserveCertificateSerials(count: blockSize)
                current = (first, first + blockSize)
            }
            defer { current.next += 1 }
            return current.next
        }
    }
}
