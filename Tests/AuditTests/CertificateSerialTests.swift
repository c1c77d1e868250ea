import Foundation
import GRDB
@testable import Audit
import Testing

/// Certificate serials: handed out in memory from durable blocks, never reused across a
/// restart, and stored on the connection's row from its upstream.connect event.
@Suite struct CertificateSerialTests {
    @Test func serialsIncreaseWithinABlockAndAcrossReopeningTheStore() throws {
        let directory = try TemporaryDirectory()
        var seen: [Int64] = []
        for _ in 0..<3 {
            let store = try AuditStore.open(path: directory.databasePath)
            let allocator = CertificateSerialAllocator(store: store, blockSize: 4)
            for _ in 0..<6 { seen.append(try allocator.next()) }
        }
        #expect(seen == seen.sorted() && Set(seen).count == seen.count, "\(seen)")
        // A restart skips the rest of a block, never goes back.
        #expect(seen.first == 1)
        #expect(seen[6] > seen[5] && seen[12] > seen[11])
    }

    @Test func concurrentLoginsGetDistinctSerials() async throws {
        let fixture = try StoreFixture()
        let allocator = CertificateSerialAllocator(store: fixture.store, blockSize: 8)
        let serials = await withTaskGroup(of: [Int64].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<50).compactMap { _ in try? allocator.next() } }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(serials.count == 400 && Set(serials).count == 400)
    }

    @Test func theSerialOfTheUpstreamCertificateIsOnTheConnectionRow() throws {
        let fixture = try StoreFixture()
        let context = AuditContext(connectionID: "c-cert01", sourceAddress: "198.51.100.7", sourcePort: 40_000)
        let facts = UpstreamCertificateFacts(serial: 77, keyID: "tracegate user=bob org=provider connection=c-cert01",
                                             caFingerprint: "SHA256:abc", validBefore: "2026-12-06T06:05:00Z")
        fixture.store.writeAll([
            .connectionOpen(context),
            .upstreamConnect(context, result: .ok, address: "10.0.0.1:22", hostKeyFingerprint: "SHA256:host", certificate: facts),
        ])
        let row = try fixture.store.read { db in
            try Row.fetchOne(db, sql: "SELECT certificate_serial, upstream_result FROM connections WHERE id = 'c-cert01'")
        }
        #expect(row?["certificate_serial"] as Int64? == 77)
        let details = try fixture.store.read { db in
            try String.fetchOne(db, sql: "SELECT details FROM events WHERE kind = 'upstream.connect'")
        }
        #expect(details?.contains("\"certificate_key_id\":\"tracegate user=bob org=provider connection=c-cert01\"") == true,
                "\(details ?? "")")
        #expect(try fixture.store.verifyChain().isIntact)
    }
}
