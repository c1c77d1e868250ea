import Foundation
import GRDB
import Testing
@testable import Audit

/// `file.transfer` events: in the chain, projected into `file_transfers`, listed by
/// `audit files` with its filters, shown in `audit show`, and pruned with their events.
@Suite("File-transfer ledger in the store")
struct FileTransferTests {
    static let digest = String(repeating: "3f", count: 32)

    static func events(_ id: String, at start: AuditTimestamp) -> [AuditEvent] {
        let context = EventFixtures.context(id)
        let session = "s" + id.dropFirst()
        let upload = FileTransferRecord(
            protocolName: "sftp", operation: "upload", direction: "upload", path: "/srv/exchange/orders.csv",
            bytes: 1_048_576, ranges: "0-1048576", sha256: digest, integrity: "complete", status: "ok")
        let refused = FileTransferRecord(
            protocolName: "sftp", operation: "download", direction: "download", path: "/etc/shadow",
            integrity: "none", status: "denied", note: "tracegate: download refused by grant #1: files.download is deny")
        let rename = FileTransferRecord(
            protocolName: "sftp", operation: "rename", direction: nil, path: "/srv/a", secondPath: "/srv/b",
            integrity: "none", status: "ok")
        let opening = EventFixtures.allowedExec(id, at: start)
        // channel.open … file events … session.close, connection.close
        let middle: [AuditEvent] = [
            .fileTransfer(context, sessionID: session, record: upload),
            .fileTransfer(context, sessionID: session, record: refused),
            .fileTransfer(context, sessionID: session, record: rename),
        ]
        return EventFixtures.stamped(Array(opening.prefix(5)) + middle + Array(opening.suffix(2)), from: start)
    }

    @Test func entriesAreChainedProjectedAndFiltered() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        store.writeAll(Self.events("c-0000000000f1", at: EventFixtures.base))
        #expect(try store.verifyChain().isIntact)

        let all = try store.records(in: .files, matching: AuditFilter())
        #expect(all.map { $0["operation"]?.stringValue } == ["rename", "download", "upload"], "newest first")
        let upload = try #require(all.last)
        #expect(upload["sha256"]?.stringValue == Self.digest && upload["bytes"]?.integerValue == 1_048_576)
        #expect(upload["user"]?.stringValue == "alice" && upload["target_owner"]?.stringValue == "retailer")
        #expect(upload["session_id"]?.stringValue == "s-0000000000f1")

        var byHash = AuditFilter()
        byHash.sha256 = Self.digest
        #expect(try store.records(in: .files, matching: byHash).count == 1)
        var byGlob = AuditFilter()
        byGlob.pathGlob = "/srv/exchange/*"
        #expect(try store.records(in: .files, matching: byGlob).map { $0["path"]?.stringValue } == ["/srv/exchange/orders.csv"])
        var downloads = AuditFilter()
        downloads.direction = "download"
        #expect(try store.records(in: .files, matching: downloads).first?["status"]?.stringValue == "denied")
        // Other listings refuse the ledger's filters rather than ignore them.
        #expect(throws: AuditError.self) { try store.records(in: .sessions, matching: byGlob) }

        let detail = try store.connectionDetail(id: "c-0000000000f1")
        #expect(detail.files.count == 3)
        #expect(ConnectionReport.text(detail).contains { $0.contains("/srv/exchange/orders.csv") && $0.contains(Self.digest) })
    }

    /// The web page's `/files`: keyset pages over the ledger (its key is the event id, a
    /// number) cover every row once, and a view outside the rows' organisations sees none.
    @Test func ledgerPagesCoverEveryRowOnceAndKeepToTheView() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        for index in 0..<4 {
            let id = String(format: "c-00000000%04x", 0xf10 + index)
            store.writeAll(Self.events(id, at: EventFixtures.base.adding(microseconds: Int64(index) * 60_000_000)))
        }
        var seen: [Int64] = []
        var cursor: AuditCursor?
        repeat {
            let page = try store.page(of: .files, matching: AuditFilter(), scope: .limited(organizations: ["retailer"], targets: []),
                                      after: cursor, size: 5)
            seen += page.records.compactMap { $0["event_id"]?.integerValue }
            cursor = page.next
        } while cursor != nil
        #expect(seen.count == 12 && Set(seen).count == 12 && seen == seen.sorted(by: >), "\(seen)")
        let outside = try store.page(of: .files, matching: AuditFilter(), scope: .limited(organizations: ["elsewhere"], targets: []),
                                     after: nil, size: 50)
        #expect(outside.records.isEmpty)
        #expect(AuditScope.limited(organizations: ["retailer"], targets: []).includes(organization: "provider", target: "db", targetOwner: "retailer"))
        #expect(!AuditScope.limited(organizations: ["retailer"], targets: ["web"]).includes(organization: "provider", target: "db", targetOwner: "provider"))
        #expect(AuditScope.limited(organizations: [], targets: ["db"]).includes(organization: nil, target: "db", targetOwner: nil))
    }

    @Test func pruneRemovesTheRowsOfThePrunedEvents() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        store.writeAll(Self.events("c-0000000000f2", at: EventFixtures.base)
            + Self.events("c-0000000000f3", at: AuditTimestamp(year: 2025, month: 9, day: 1, hour: 12)!))
        let pruner = AuditPruner(store: store)
        _ = try pruner.prune(olderThan: AuditTimestamp(year: 2025, month: 6, day: 1, hour: 0)!) { (event) throws(AuditError) in
            let writer = store.makeWriter()
            defer { writer.close() }
            try writer.recordDurably(event)
        }
        let left = try store.read { db in try String.fetchAll(db, sql: "SELECT connection_id FROM file_transfers") }
        #expect(left == Array(repeating: "c-0000000000f3", count: 3))
        #expect(try store.verifyChain().isIntact)
    }
}
