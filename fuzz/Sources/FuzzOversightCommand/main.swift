import CFuzzerDriver
import Glibc
import Policy

/// Any bytes as a line typed in the gateway shell or sent to the control socket. The parser
/// either returns a command whose reason is printable, trimmed and bounded, or one error
/// line that stays printable and short; it never traps.
let fuzzOversightCommand: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let line = String(decoding: bytes, as: UTF8.self)
    let words = line.split(separator: " ").map(String.init)
    switch OversightCommandLine.parse(words) {
    case nil:
        precondition(!OversightCommandLine.names.contains(words.first ?? ""), "an oversight command was not recognised: \(line.debugDescription)")
    case .success(let command)?:
        switch command {
        case .terminate(_, let reason), .lock(_, _, _, let reason):
            precondition(!reason.isEmpty && reason.count <= 200, "reason \(reason.debugDescription)")
            precondition(!reason.unicodeScalars.contains { $0.properties.generalCategory.isControl }, "control character in \(reason.debugDescription)")
        case .live, .locks, .watch, .unlock:
            break
        }
    case .failure(let error)?:
        precondition(error.message.utf8.count <= 512, "error of \(error.message.utf8.count) bytes")
        precondition(!error.message.unicodeScalars.contains { $0.properties.generalCategory == .control },
                     "control character in \(error.message.debugDescription)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOversightCommand))
