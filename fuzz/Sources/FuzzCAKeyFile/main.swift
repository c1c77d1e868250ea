import CFuzzerDriver
import Certificates
import Glibc

/// Any bytes as the user CA's key file (`state_dir/keys/user_ca_ed25519`), both as the armoured
/// text and as the decoded binary. The reader either returns a 32-byte seed and public key or
/// throws a `CertificateError`; it never traps, never reads past its input, and never takes
/// long (every length is checked before use).
let fuzzCAKeyFile: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for attempt in 0..<2 {
        do {
            let file = attempt == 0
                ? try Ed25519KeyFile(text: String(decoding: bytes, as: UTF8.self))
                : try Ed25519KeyFile(binary: bytes)
            precondition(file.seed.count == 32 && file.publicKey.count == 32)
            precondition(file.publicKeyLine.hasPrefix("ssh-ed25519 AAAA"))
        } catch {
            // CertificateError only: the typed throw guarantees it; the message must stay one line.
            precondition(!"\(error)".contains("\n"), "multi-line error: \(error)")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCAKeyFile))
