@testable import FileLedger
import Synchronization
import Testing

@Suite struct SFTPRequestGuardTests {
    private func makeGuard() -> SFTPRequestGuard {
        SFTPRequestGuard { operation, path in
            if operation == .download { return "tracegate: download refused by grant #1: files.download is deny" }
            return path.hasPrefix("/srv/") ? nil : "tracegate: \(operation.rawValue) refused: outside /srv"
        }
    }

    @Test func deniedOpenIsHeldBackAndAnsweredPermissionDenied() {
        var guardian = makeGuard()
        let allowed = SFTPPacket.open(id: 1, path: "/srv/up.bin", flags: 0x1A)
        let denied = SFTPPacket.open(id: 2, path: "/srv/secret", flags: 0x01)
        let after = SFTPPacket.write(id: 3, handle: [1], offset: 0, data: [1, 2, 3])
        let stream = allowed + denied + after
        // Cut mid-packet: the guard holds the partial packet back until it is whole.
        let first = stream.withUnsafeBytes { guardian.filter(UnsafeRawBufferPointer(rebasing: $0[..<(allowed.count + 5)]), at: 1) }
        #expect(first.forward == allowed)
        #expect(first.refused.isEmpty)
        let rest = stream.withUnsafeBytes { guardian.filter(UnsafeRawBufferPointer(rebasing: $0[(allowed.count + 5)...]), at: 2) }
        #expect(rest.forward == after)
        #expect(rest.refused.count == 1)
        let refusal = rest.refused[0]
        #expect(refusal.entry.operation == .download && refusal.entry.path == "/srv/secret" && refusal.entry.status == "denied")
        // The reply is a STATUS (101) for request 2 with code 3 and the rule's message.
        let expected = SFTPPacket(101, id: 2).uint32(3).string("tracegate: download refused by grant #1: files.download is deny")
            .string("").framed
        #expect(refusal.reply == expected)
    }

    @Test func renameIsJudgedAtBothEnds() {
        var guardian = makeGuard()
        let rename = SFTPPacket.pathRequest(18, id: 7, "/srv/a", "/etc/cron.d/a")
        let result = rename.withUnsafeBytes { guardian.filter($0, at: 1) }
        #expect(result.forward.isEmpty)
        #expect(result.refused.first?.entry.secondPath == "/etc/cron.d/a")
    }

    @Test func targetBoundaryIsTracked() {
        var guardian = makeGuard()
        let reply = SFTPPacket.data(id: 1, [UInt8](repeating: 7, count: 100))
        reply.withUnsafeBytes { guardian.observeTarget(UnsafeRawBufferPointer(rebasing: $0[..<50])) }
        #expect(!guardian.targetAtBoundary)
        reply.withUnsafeBytes { guardian.observeTarget(UnsafeRawBufferPointer(rebasing: $0[50...])) }
        #expect(guardian.targetAtBoundary)
    }

    @Test func anUnframeableStreamFailsClosed() {
        var guardian = makeGuard()
        let result = [UInt8]([0xFF, 0xFF, 0xFF, 0xFF, 3]).withUnsafeBytes { guardian.filter($0, at: 1) }
        #expect(result.forward.isEmpty)
        #expect(guardian.failed != nil)
    }
}

@Suite struct FileLedgerTapTests {
    @Test func aFullQueueMarksTheLedgerOverflowAndNeverBlocks() {
        let stops = Mutex<[String]>([])
        let thread = FileLedgerThread(name: "test-file-ledger")
        let tap = FileLedgerTap(
            parser: SFTPLedger(),
            handlers: FileLedgerHandlers(entries: { _ in }, stopped: { integrity, _ in stops.withLock { $0.append(integrity.rawValue) } }),
            maxPendingBytes: 64, thread: thread)
        let packet = SFTPPacket.open(id: 1, path: String(repeating: "x", count: 200), flags: 1)
        packet.withUnsafeBytes { tap.fromClient($0) }
        #expect(tap.finish(waitingAtMost: 10))
        #expect(stops.withLock { $0 } == ["overflow"])
    }

    @Test func entriesAreReportedBeforeFinishReturns() {
        let entries = Mutex<[FileLedgerEntry]>([])
        let tap = FileLedgerTap(
            parser: SFTPLedger(),
            handlers: FileLedgerHandlers(entries: { new in entries.withLock { $0 += new } }, stopped: { _, _ in }),
            thread: FileLedgerThread(name: "test-file-ledger-2"))
        SFTPPacket.pathRequest(13, id: 1, "/tmp/x").withUnsafeBytes { tap.fromClient($0) }
        SFTPPacket.status(id: 1, code: 0).withUnsafeBytes { tap.fromTarget($0) }
        #expect(tap.finish(waitingAtMost: 10))
        #expect(entries.withLock { $0.map(\.operation) } == [.remove])
    }
}
