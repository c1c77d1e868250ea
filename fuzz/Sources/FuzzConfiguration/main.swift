import CFuzzerDriver
import Glibc
import Policy

/// Any bytes as a configuration file. Loading must either succeed or report errors with
/// positions; it must never trap, hang or reject a file without saying why.
let fuzzConfiguration: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let configuration = try ConfigurationLoader.load(yaml: text, sourcePath: "fuzz.yaml")
        // A loaded configuration is used at once: the policy is built from it.
        _ = AccessPolicy(configuration: configuration)
    } catch let error as ConfigurationErrors {
        precondition(!error.errors.isEmpty, "a rejected configuration must say why")
        for problem in error.errors {
            precondition(problem.line >= 1 && problem.column >= 1, "error without a position: \(problem)")
        }
    } catch {
        preconditionFailure("the loader threw something other than ConfigurationErrors: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzConfiguration))
