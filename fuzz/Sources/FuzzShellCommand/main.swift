import CFuzzerDriver
import Glibc
import Policy

/// Any bytes as a line of the gateway shell (an approver's `approve`/`deny`, typed or sent as an
/// exec command by anyone authenticated). The split and the parse either succeed with bounded,
/// control-free notes and reasons, or give an error whose message stays printable and short.
let fuzzShellCommand: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let line = String(decoding: bytes, as: UTF8.self)
    let words: [String]
    do {
        words = try ShellCommandLine.split(line)
    } catch let error as ShellCommandLine.SplitError {
        precondition(line.utf8.count > ShellCommandLine.maximumLength || error == .unterminatedQuote)
        return 0
    } catch {
        preconditionFailure("the split threw something other than SplitError: \(error)")
    }
    switch ConsentCommand.parse(words) {
    case nil:
        break
    case .success(.list):
        precondition(words == ["approvals"])
    case .success(.approve(let id, _, let note)):
        precondition(ConsentCommand.isRequestID(id))
        if let note { check(note) }
    case .success(.deny(let id, let reason)):
        precondition(ConsentCommand.isRequestID(id))
        check(reason)
    case .success(.reviews):
        precondition(words == ["reviews"])
    case .success(.review(let id, _, let note)):
        precondition(ConsentCommand.isItemID(id, prefix: "b-"))
        check(note)
    case .failure(let error):
        precondition(!error.description.unicodeScalars.contains { $0.properties.generalCategory == .control },
                     "control character in \(error.description.debugDescription)")
        precondition(error.description.utf8.count <= 1024, "message of \(error.description.utf8.count) bytes")
    }
    return 0
}

/// Notes and reasons are shown to the other organisation and stored: bounded, no control characters.
func check(_ text: String) {
    precondition(!text.isEmpty && text.count <= ConsentCommand.maximumTextLength)
    precondition(!text.unicodeScalars.contains { $0.properties.generalCategory == .control })
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzShellCommand))
