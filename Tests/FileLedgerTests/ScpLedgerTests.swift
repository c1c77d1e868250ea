import Crypto
@testable import FileLedger
import Testing

@Suite struct ScpLedgerTests {
    private func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test func commandIsRecognised() {
        let upload = ScpCommand("scp -v -t -- /tmp/dest")
        #expect(upload?.mode == .sink)
        #expect(upload?.path == "/tmp/dest")
        let download = ScpCommand("scp -r -f '/var/log dir'")
        #expect(download?.mode == .source)
        #expect(download?.recursive == true)
        #expect(download?.path == "/var/log dir")
        #expect(ScpCommand("rsync --server -e.Lsfx . /tmp") == nil)
        #expect(ScpCommand("echo scp -t /tmp") == nil)
    }

    @Test func uploadOfTwoFilesInADirectory() {
        var ledger = ScpLedger(command: ScpCommand("scp -r -t /tmp/dest")!)
        let one = Array("hello\n".utf8)
        let two = [UInt8](repeating: 0xAB, count: 70_000)
        func client(_ bytes: [UInt8]) { bytes.withUnsafeBytes { ledger.client($0, at: 1) } }
        func ack() { [UInt8(0)].withUnsafeBytes { ledger.server($0, at: 2) } }
        ack()
        client(Array("D0755 0 tree\n".utf8)); ack()
        client(Array("C0644 6 one.txt\n".utf8)); ack()
        client(one + [0]); ack()
        client(Array("C0600 70000 two.bin\n".utf8)); ack()
        client(Array(two[..<1000])); client(Array(two[1000...]) + [0]); ack()
        client(Array("E\n".utf8)); ack()
        let entries = ledger.takeEntries()
        #expect(entries.map(\.path) == ["/tmp/dest/tree/one.txt", "/tmp/dest/tree/two.bin"])
        #expect(entries.map(\.sha256) == [hex(one), hex(two)])
        #expect(entries.allSatisfy { $0.operation == .upload && $0.integrity == .complete && $0.status == "ok" })
        #expect(entries.map(\.bytes) == [6, 70_000])
    }

    @Test func downloadRefusedBySinkIsAnErrorEntry() {
        var ledger = ScpLedger(command: ScpCommand("scp -f /etc/hostname")!)
        func server(_ bytes: [UInt8]) { bytes.withUnsafeBytes { ledger.server($0, at: 1) } }
        func client(_ bytes: [UInt8]) { bytes.withUnsafeBytes { ledger.client($0, at: 2) } }
        client([0])
        server(Array("C0644 4 hostname\n".utf8))
        client([1] + Array("scp: hostname: Permission denied\n".utf8))
        let entries = ledger.takeEntries()
        #expect(entries.count == 1)
        #expect(entries.first?.path == "/etc/hostname")
        #expect(entries.first?.operation == .download)
        #expect(entries.first?.status == "error: scp: hostname: Permission denied")
    }

    @Test func garbageIsUnparsedNotACrash() {
        var ledger = ScpLedger(command: ScpCommand("scp -t /tmp")!)
        [UInt8(0)].withUnsafeBytes { ledger.server($0, at: 1) }
        Array("C0644 notanumber x\n".utf8).withUnsafeBytes { ledger.client($0, at: 1) }
        #expect(ledger.stopped?.integrity == .unparsed)
    }
}
