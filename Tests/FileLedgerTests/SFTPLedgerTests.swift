import Crypto
@testable import FileLedger
import Testing

@Suite struct SFTPLedgerTests {
    private func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    private func content(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    private func feed(_ ledger: inout SFTPLedger, client: [UInt8]) { client.withUnsafeBytes { ledger.client($0, at: 1) } }
    private func feed(_ ledger: inout SFTPLedger, server: [UInt8]) { server.withUnsafeBytes { ledger.server($0, at: 2) } }

    @Test func pipelinedUploadIsHashedWhole() {
        var ledger = SFTPLedger()
        let file = content(100_000)
        let handle: [UInt8] = [0, 0, 0, 1]
        feed(&ledger, client: SFTPPacket.initialize)
        feed(&ledger, server: SFTPPacket.version)
        feed(&ledger, client: SFTPPacket.open(id: 1, path: "/tmp/up.bin", flags: 0x1A))
        feed(&ledger, server: SFTPPacket.handle(id: 1, handle))
        // Four writes in flight, in one read of the relay, answered out of order.
        var writes: [UInt8] = []
        for index in 0..<4 {
            let start = index * 25_000
            writes += SFTPPacket.write(id: UInt32(10 + index), handle: handle, offset: UInt64(start),
                                       data: Array(file[start..<(start + 25_000)]))
        }
        // Split mid-packet, as the relay's reads fall.
        feed(&ledger, client: Array(writes[..<7_777]))
        feed(&ledger, client: Array(writes[7_777...]))
        for id in [12, 10, 13, 11] { feed(&ledger, server: SFTPPacket.status(id: UInt32(id), code: 0)) }
        feed(&ledger, client: SFTPPacket.close(id: 20, handle: handle))
        feed(&ledger, server: SFTPPacket.status(id: 20, code: 0))
        let entries = ledger.takeEntries()
        #expect(entries.count == 1)
        #expect(entries.first?.operation == .upload)
        #expect(entries.first?.path == "/tmp/up.bin")
        #expect(entries.first?.bytes == 100_000)
        #expect(entries.first?.integrity == .complete)
        #expect(entries.first?.sha256 == sha256(file))
        #expect(entries.first?.status == "ok")
    }

    @Test func byteByByteReadsGiveTheSameEntry() {
        let file = content(5_000)
        let handle: [UInt8] = [4, 2]
        let client = SFTPPacket.open(id: 1, path: "/tmp/slow", flags: 0x1A)
            + SFTPPacket.write(id: 2, handle: handle, offset: 0, data: Array(file[..<3_000]))
            + SFTPPacket.write(id: 3, handle: handle, offset: 3_000, data: Array(file[3_000...]))
        var ledger = SFTPLedger()
        for (index, byte) in client.enumerated() {
            if index == SFTPPacket.open(id: 1, path: "/tmp/slow", flags: 0x1A).count {
                feed(&ledger, server: SFTPPacket.handle(id: 1, handle))
            }
            feed(&ledger, client: [byte])
        }
        for byte in SFTPPacket.close(id: 4, handle: handle) { feed(&ledger, client: [byte]) }
        for byte in SFTPPacket.status(id: 4, code: 0) { feed(&ledger, server: [byte]) }
        let entry = ledger.takeEntries().first
        #expect(entry?.sha256 == sha256(file) && entry?.bytes == 5_000 && entry?.integrity == .complete)
    }

    @Test func downloadWithShortReadReorderedIsHashedWhole() {
        var ledger = SFTPLedger()
        let file = content(30_000)
        let handle: [UInt8] = [7]
        feed(&ledger, client: SFTPPacket.open(id: 1, path: "data.csv", flags: 0x1))
        feed(&ledger, server: SFTPPacket.handle(id: 1, handle))
        feed(&ledger, client: SFTPPacket.read(id: 2, handle: handle, offset: 0, length: 16_384))
        feed(&ledger, client: SFTPPacket.read(id: 3, handle: handle, offset: 16_384, length: 16_384))
        // A short first answer: the rest is asked again after the second piece came.
        feed(&ledger, server: SFTPPacket.data(id: 2, Array(file[0..<10_000])))
        feed(&ledger, server: SFTPPacket.data(id: 3, Array(file[16_384...])))
        feed(&ledger, client: SFTPPacket.read(id: 4, handle: handle, offset: 10_000, length: 6_384))
        feed(&ledger, server: SFTPPacket.data(id: 4, Array(file[10_000..<16_384])))
        feed(&ledger, client: SFTPPacket.read(id: 5, handle: handle, offset: 30_000, length: 16_384))
        feed(&ledger, server: SFTPPacket.status(id: 5, code: 1, message: "EOF"))
        feed(&ledger, client: SFTPPacket.close(id: 6, handle: handle))
        feed(&ledger, server: SFTPPacket.status(id: 6, code: 0))
        let entry = ledger.takeEntries().first
        #expect(entry?.operation == .download)
        #expect(entry?.integrity == .complete)
        #expect(entry?.sha256 == sha256(file))
        #expect(entry?.ranges == [ClosedOpenRange(0, 30_000)])
    }

    @Test func resumedDownloadIsPartialWithItsRange() {
        var ledger = SFTPLedger()
        let handle: [UInt8] = [1]
        feed(&ledger, client: SFTPPacket.open(id: 1, path: "big", flags: 0x1))
        feed(&ledger, server: SFTPPacket.handle(id: 1, handle))
        feed(&ledger, client: SFTPPacket.read(id: 2, handle: handle, offset: 500, length: 100))
        feed(&ledger, server: SFTPPacket.data(id: 2, content(100)))
        feed(&ledger, client: SFTPPacket.read(id: 3, handle: handle, offset: 600, length: 100))
        feed(&ledger, server: SFTPPacket.status(id: 3, code: 1))
        feed(&ledger, client: SFTPPacket.close(id: 4, handle: handle))
        feed(&ledger, server: SFTPPacket.status(id: 4, code: 0))
        let entry = ledger.takeEntries().first
        #expect(entry?.integrity == .partial)
        #expect(entry?.sha256 == nil)
        #expect(entry?.rangesText == "500-600")
    }

    @Test func treeChangesAndFailuresAreEntries() {
        var ledger = SFTPLedger()
        feed(&ledger, client: SFTPPacket.pathRequest(13, id: 1, "/tmp/gone"))
        feed(&ledger, client: SFTPPacket.pathRequest(18, id: 2, "/tmp/a", "/tmp/b"))
        feed(&ledger, client: SFTPPacket.pathRequest(14, id: 3, "/tmp/d"))
        feed(&ledger, client: SFTPPacket.open(id: 4, path: "/etc/shadow", flags: 0x1))
        feed(&ledger, server: SFTPPacket.status(id: 2, code: 0))
        feed(&ledger, server: SFTPPacket.status(id: 1, code: 2, message: "No such file"))
        feed(&ledger, server: SFTPPacket.status(id: 4, code: 3, message: "Permission denied"))
        let entries = ledger.takeEntries()
        #expect(entries.map(\.operation) == [.rename, .remove, .download])
        #expect(entries[0].secondPath == "/tmp/b")
        #expect(entries[1].status == "no_such_file: No such file")
        #expect(entries[2].status == "permission_denied: Permission denied")
    }

    @Test func lyingLengthStopsTheLedgerWithoutTrapping() {
        var ledger = SFTPLedger()
        let handle: [UInt8] = [1]
        feed(&ledger, client: SFTPPacket.open(id: 1, path: "x", flags: 0x1A))
        feed(&ledger, server: SFTPPacket.handle(id: 1, handle))
        // A WRITE whose data length claims more than the packet holds.
        let packet = SFTPPacket(6, id: 2)
        packet.string(handle).uint64(0).uint32(1_000_000)
        feed(&ledger, client: packet.framed + [1, 2, 3])
        #expect(ledger.stopped?.integrity == .unparsed)
        let entries = ledger.takeEntries()
        #expect(entries.count == 1)
        #expect(entries.first?.integrity == .unparsed)
        // Nothing after is parsed, and nothing traps.
        feed(&ledger, client: [0xFF, 0xFF, 0xFF, 0xFF, 1, 2])
        #expect(ledger.takeEntries().isEmpty)
    }

    @Test func handleNeverOpenedIsIgnored() {
        var ledger = SFTPLedger()
        feed(&ledger, client: SFTPPacket.write(id: 1, handle: [9, 9], offset: 0, data: content(10)))
        feed(&ledger, client: SFTPPacket.close(id: 2, handle: [9, 9]))
        feed(&ledger, server: SFTPPacket.status(id: 1, code: 4))
        feed(&ledger, server: SFTPPacket.status(id: 2, code: 4))
        #expect(ledger.takeEntries().isEmpty)
        #expect(ledger.stopped == nil)
    }

    @Test func oversizedPacketLengthIsUnparsed() {
        var ledger = SFTPLedger()
        feed(&ledger, client: [0x7F, 0xFF, 0xFF, 0xFF, 3])
        #expect(ledger.stopped?.integrity == .unparsed)
    }
}
