import CFuzzerDriver
import Glibc
import Policy

/// Any bytes as the start of a connection, as the acceptor sees them before libssh: the first
/// bytes of anyone's TCP connection reach this parser. It must answer without trapping; a
/// header it accepts fits in the bytes given and in the cap; "incomplete" always asks for more
/// than it had; and the answer depends only on the header's own bytes (what follows it — the
/// SSH banner — never changes it).
let fuzzProxyHeader: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch ProxyHeader.scan(bytes) {
    case .header(let header):
        precondition(header.length >= ProxyHeader.fixedLength && header.length <= bytes.count)
        precondition(header.length <= ProxyHeader.maximumLength, "a header of \(header.length) bytes")
        precondition(ProxyHeader.scan(Array(bytes.prefix(header.length))) == .header(header),
                     "the header's answer changed without the bytes behind it")
        if case .proxy(let source, let destination, _) = header.command {
            precondition((0...65535).contains(source.port) && (0...65535).contains(destination.port))
        }
    case .incomplete(let needed):
        precondition(needed > bytes.count, "incomplete, asking for \(needed) with \(bytes.count) in hand")
        precondition(needed <= ProxyHeader.maximumLength)
    case .invalid(let error):
        let message = error.description
        precondition(!message.isEmpty && message.utf8.count <= 200 && !error.code.isEmpty)
    case .absent:
        break
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzProxyHeader))
