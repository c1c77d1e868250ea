import Foundation
import GRDB
import Testing
@testable import Audit

@Suite("The writer")
struct AuditWriterTests {
    @Test func aDurableEventIsVisibleToAnotherConnectionWhenTheCallReturns() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let writer = store.makeWriter()
        defer { writer.close() }
        let decision = AuditEvent.accessDecision(EventFixtures.context("c-000000000001"), result: .allowed, grant: "ops")
        try writer.recordDurably(decision)
        // No close, no flush: another connection (as another process would) already sees it.
        let other = try independentConnection(directory.databasePath)
        let kinds = try other.read { db in try String.fetchAll(db, sql: "SELECT kind FROM events") }
        #expect(kinds == ["access.decision"])
        #expect(writer.isHealthy)
        // Acknowledged only after the log was fsynced (the sync thread counts before it wakes us).
        #expect(writer.statistics.syncs >= 1)
    }

    @Test func recordReturnsAtOnceAndEventsAreCommittedInBatches() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let writer = store.makeWriter()
        for index in 0..<20_000 {
            writer.record(AuditEvent(kind: .connectionOpen, connectionID: String(format: "c-%012x", index)))
        }
        writer.close()
        let statistics = writer.statistics
        #expect(try store.eventCount() == 20_000)
        #expect(statistics.committedEvents == 20_000)
        #expect(statistics.commits < 2_000, "batched: \(statistics.commits) commits")
        #expect(statistics.largestBatch <= store.options.maximumBatchSize)
        #expect(try store.verifyChain() == .intact(count: 20_000, head: try store.headHash()))
    }

    @Test func fiftyThreadsWritingAtOnceMakeOneGaplessChainInEachThreadsOrder() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let writer = store.makeWriter()
        let threads = 50
        let perThread = 200
        let failures = FailureCounter()
        let done = DispatchGroup()
        for thread in 0..<threads {
            done.enter()
            Thread {
                let connection = String(format: "c-%012d", thread)
                for sequence in 0..<perThread {
                    let event = AuditEvent(kind: .authAttempt, connectionID: connection, result: "rejected",
                                           details: ["seq": AuditValue(sequence)])
                    if sequence % 20 == 0 {
                        do { try writer.recordDurably(event) } catch { failures.add() }
                    } else {
                        writer.record(event)
                    }
                }
                done.leave()
            }.start()
        }
        done.wait()
        writer.close()
        #expect(failures.value == 0)
        #expect(try store.eventCount() == threads * perThread)
        // Group commit: one log sync can cover several batches, never the other way round.
        #expect(writer.statistics.syncs >= 1 && writer.statistics.syncs <= writer.statistics.commits)
        #expect(try store.verifyChain().isIntact)
        let sequences = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT connection_id, json_extract(details, '$.seq') FROM events ORDER BY id")
        }
        var byConnection: [String: [Int]] = [:]
        for row in sequences { byConnection[row[0], default: []].append(row[1]) }
        #expect(byConnection.count == threads)
        #expect(byConnection.values.allSatisfy { $0 == Array(0..<perThread) })
        let attempts = try store.read { db in try Int.fetchOne(db, sql: "SELECT SUM(auth_attempts) FROM connections") }
        #expect(attempts == threads * perThread)
    }

    @Test func writerStampsTimeWhenTheEventHasNone() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let before = AuditTimestamp.now()
        store.writeAll([AuditEvent(kind: .gatewayStart), AuditEvent(kind: .gatewayStop, time: EventFixtures.base)])
        let after = AuditTimestamp.now()
        let times = try store.read { db in try String.fetchAll(db, sql: "SELECT time FROM events ORDER BY id") }
        let stamped = try #require(AuditTimestamp(iso8601: times[0]))
        #expect(before <= stamped && stamped <= after)
        #expect(times[1] == EventFixtures.base.iso8601)
    }

    @Test func closingTwiceIsHarmlessAndADurableWriteAfterCloseThrows() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditStore.open(path: directory.databasePath)
        let writer = store.makeWriter()
        writer.record(AuditEvent(kind: .gatewayStart))
        #expect(writer.close() == 0)
        #expect(writer.close() == 0)
        #expect(throws: AuditError.writerClosed) { try writer.recordDurably(AuditEvent(kind: .gatewayStop)) }
        #expect(try store.eventCount() == 1)
    }

    @Test func theLogStaysBoundedWhileTheWriterNeverPauses() throws {
        // A passive checkpoint never reaches the end of a log that grows all the time; without
        // a restart the log grew by every page ever written (gigabytes under load).
        let directory = try TemporaryDirectory()
        let options = AuditStoreOptions(maximumBatchSize: 50, checkpointIntervalSeconds: 0.02, checkpointRestartFrames: 64)
        let store = try AuditStore.open(path: directory.databasePath, options: options)
        let writer = store.makeWriter()
        let padding = AuditValue(String(repeating: "x", count: 1_024))
        let largestLog = LargestFileSize(path: directory.databasePath + "-wal")
        for index in 0..<20_000 {
            writer.record(AuditEvent(kind: .connectionOpen, connectionID: String(format: "c-%016x", index),
                                     details: ["padding": padding]))
            if index % 200 == 0 { largestLog.sample() }
        }
        while writer.pendingCount > 0 {
            largestLog.sample()
            usleep(10_000)
        }
        writer.close()
        // 20,000 events of over 1 KiB: some 40 MiB of pages went through the log.
        #expect(largestLog.bytes < 12 * 1_024 * 1_024, "the log reached \(largestLog.bytes) bytes")
        #expect(try store.verifyChain().isIntact)
    }

    @Test func twoWritersOnOneFileStillMakeOneChain() throws {
        // serve and a `tracegate audit` command both append; each batch reads the head inside
        // its transaction, so the chain cannot fork.
        let directory = try TemporaryDirectory()
        let first = try AuditStore.open(path: directory.databasePath)
        let second = try AuditStore.open(path: directory.databasePath)
        let writers = [first.makeWriter(), second.makeWriter()]
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            for sequence in 0..<500 {
                writers[index].record(AuditEvent(kind: .auditQuery, user: "w\(index)", details: ["seq": AuditValue(sequence)]))
            }
        }
        writers.forEach { $0.close() }
        #expect(try first.verifyChain() == .intact(count: 1_000, head: try second.headHash()))
    }
}

/// Counts failures reported from many threads.
final class FailureCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// The largest size a file was seen at.
final class LargestFileSize {
    let path: String
    private(set) var bytes = 0
    init(path: String) { self.path = path }
    func sample() {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        bytes = max(bytes, size)
    }
}
