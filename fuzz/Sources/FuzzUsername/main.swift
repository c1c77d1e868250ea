import CFuzzerDriver
import Glibc
import Policy

/// Any bytes as an SSH user name. The parser either returns a request whose parts print
/// back as the same user name, or an error whose message stays printable and short (it is
/// shown to the engineer and logged).
let fuzzUsername: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let username = String(decoding: bytes, as: UTF8.self)
    do {
        let request = try TargetRequest.parse(username: username)
        precondition(request.username == username, "parsed \(username.debugDescription) back as \(request.username.debugDescription)")
        precondition(username.utf8.count <= TargetRequest.maximumLength)
    } catch let error as UsernameError {
        let message = error.description
        precondition(!message.unicodeScalars.contains { $0.properties.generalCategory == .control },
                     "control character in the message for \(username.debugDescription): \(message.debugDescription)")
        // Two quoted copies (user name and login) of at most 64 scalars, each escaped to at
        // most 10 characters, plus the rule: bounded whatever the client sent.
        precondition(message.utf8.count <= 2048, "message of \(message.utf8.count) bytes")
    } catch {
        preconditionFailure("the parser threw something other than UsernameError: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzUsername))
