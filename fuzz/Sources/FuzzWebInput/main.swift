import CFuzzerDriver
import Glibc
import WebInput

/// Any bytes as what a browser sends the web page: the first line as a query string, the
/// second as a Cookie header, the third as a Range header. The parsers either refuse or
/// return values within their bounds; they never crash.
let fuzzWebInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    if let query = try? WebInput.query(lines.first, maxParameters: 32, maxValueBytes: 256) {
        precondition(query.count <= 32, "\(query.count) parameters")
        precondition(query.allSatisfy { $0.key.utf8.count <= 32 && $0.value.utf8.count <= 256 })
    }
    if lines.count > 1, let cookie = WebInput.cookie(named: "tg_web", in: lines[1]) {
        precondition(cookie.utf8.count <= 8192)
    }
    if lines.count > 2 {
        let fileSize = Int64(size * 1000)
        if let range = WebInput.byteRange(lines[2], size: fileSize, maxBytes: 4096) {
            precondition(range.lowerBound >= 0 && range.upperBound <= fileSize, "\(range) outside 0..<\(fileSize)")
            precondition(range.count <= 4096, "\(range.count) bytes")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzWebInput))
