import CFuzzerDriver
import FileLedger
import Glibc

/// Any bytes as a legacy scp session: the first byte picks the command (upload or download,
/// recursive or not), then chunks as in FuzzSFTP (bit 0: 0 from the client, 1 from the
/// target). Also the exec command line itself, parsed as the gateway parses it.
let fuzzScp: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    guard let first = bytes.first else { return 0 }
    // The whole input as a command line: no trap, and a recognised one names one path.
    if let parsed = ScpCommand(String(decoding: bytes, as: UTF8.self)) { precondition(parsed.path.utf8.count <= 8192) }
    _ = RsyncCommand(String(decoding: bytes, as: UTF8.self))
    let commands = ["scp -t /tmp/dest", "scp -r -t /tmp/dest", "scp -d -t -- /tmp/dir/", "scp -f /var/log/syslog",
                    "scp -r -f /var/log", "scp -f '/tmp/*.txt'"]
    var ledger = ScpLedger(command: ScpCommand(commands[Int(first) % commands.count])!)
    var index = 1
    var time = 0.0
    var entries: [FileLedgerEntry] = []
    while index < bytes.count {
        let control = bytes[index]
        index += 1
        let length = min(Int(control >> 1), bytes.count - index)
        let chunk = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
        index += length
        time += 1
        if control & 1 == 0 { ledger.client(chunk, at: time) } else { ledger.server(chunk, at: time) }
        entries += ledger.takeEntries()
    }
    ledger.finish(at: time + 1)
    entries += ledger.takeEntries()
    for entry in entries {
        precondition((entry.integrity == .complete) == (entry.sha256 != nil), "a hash without a complete file, or the reverse")
        precondition(entry.bytes >= 0)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzScp))
