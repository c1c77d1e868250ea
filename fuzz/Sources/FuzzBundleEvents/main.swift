import Audit
import CFuzzerDriver
import Glibc

/// Any bytes as a bundle's events.jsonl, which `tracegate audit bundle verify` reads from whoever
/// sent the bundle. Every line either decodes or is named; the walk to the head never traps, and
/// each problem is one line of bounded length (printed to the recipient).
let fuzzBundleEvents: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    var lines: [(number: Int, line: Result<ChainProofLine, ChainProofCoding.DecodingError>)] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
        do throws(ChainProofCoding.DecodingError) {
            // A cluster's bundle marks each line with its node; a node's bundle does not.
            let (node, decoded) = try ChainProofCoding.decodeWithNode(line)
            // What decodes re-encodes to a line that decodes to the same value and node.
            let again = try? ChainProofCoding.decodeWithNode(Substring(ChainProofCoding.line(decoded, node: node)))
            precondition(again?.line == decoded && again?.node == node, "re-encoding changed \(line.debugDescription)")
            lines.append((index + 1, .success(decoded)))
        } catch {
            lines.append((index + 1, .failure(error)))
        }
    }
    let outcome = ChainProofVerifier(head: ChainHead(id: 3, hash: String(repeating: "a", count: 64))).verify(lines)
    for problem in outcome.problems {
        precondition(!problem.contains("\n"), "a problem spans lines: \(problem.debugDescription)")
        precondition(problem.utf8.count < 4_096, "a problem of \(problem.utf8.count) bytes")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzBundleEvents))
