import CFuzzerDriver
import FileLedger
import Glibc

/// Any bytes as the two directions of an SFTP session, cut into chunks as the relay's reads
/// fall: each chunk is a control byte (bit 0: 0 from the client, 1 from the target; the rest:
/// the chunk's length) and that many bytes. The ledger and the request guard must never trap
/// or hang, and what they report must hold together.
let fuzzSFTP: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    var ledger = SFTPLedger()
    var guardian = SFTPRequestGuard { operation, path in
        // A rule like a real grant's: no downloads, writes only under /srv.
        if operation == .download { return "download denied" }
        return path.hasPrefix("/srv/") ? nil : "outside /srv"
    }
    var index = 0
    var time = 0.0
    var entries: [FileLedgerEntry] = []
    var clientBytes = 0
    var forwardedBytes = 0
    while index < bytes.count {
        let control = bytes[index]
        index += 1
        let length = min(Int(control >> 1), bytes.count - index)
        let chunk = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
        index += length
        time += 1
        if control & 1 == 0 {
            ledger.client(chunk, at: time)
            clientBytes += chunk.count
            let (forward, refused) = guardian.filter(chunk, at: time)
            forwardedBytes += forward.count
            precondition(forwardedBytes <= clientBytes, "the guard forwarded more than it was given")
            for refusal in refused {
                precondition(refusal.entry.status == "denied" && refusal.reply.count >= 13, "malformed refusal")
            }
        } else {
            ledger.server(chunk, at: time)
            guardian.observeTarget(chunk)
        }
        entries += ledger.takeEntries()
    }
    ledger.finish(at: time + 1)
    entries += ledger.takeEntries()
    for entry in entries {
        precondition((entry.integrity == .complete) == (entry.sha256 != nil), "a hash without a complete file, or the reverse")
        precondition(entry.sha256.map { $0.utf8.count == 64 } ?? true)
        precondition(entry.ranges.count <= 256, "ranges not bounded")
        for range in entry.ranges { precondition(range.lowerBound < range.upperBound, "empty or inverted range") }
        precondition(entry.path.utf8.count <= 4096 * 3, "path not bounded")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzSFTP))
