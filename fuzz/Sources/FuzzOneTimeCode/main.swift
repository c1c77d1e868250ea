import CFuzzerDriver
import Foundation
import Glibc
import OneTimeCode

/// Any bytes as the answer to "Verification code for bob: " (keyboard-interactive, from anyone
/// who holds a key) and as a base32 secret. The answer must never trap; a code it accepts is
/// six digits (spaces aside) of a step within the accepted skew, and recomputing that step's
/// code gives the same digits. A base32 text that decodes re-encodes to the same bytes.
private let secret = Array("12345678901234567890".utf8)  // RFC 6238's test secret
private let now = Date(timeIntervalSince1970: 1_111_111_109)
private let totp = TOTP(secret: secret)

let fuzzOneTimeCode: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let typed = String(decoding: bytes, as: UTF8.self)
    if let step = totp.matchingStep(of: typed, at: now) {
        let current = TOTP.step(at: now)
        precondition(abs(step - current) <= TOTP.acceptedSkew, "step \(step) outside the skew around \(current)")
        let digits = String(decoding: typed.utf8.filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)
        precondition(totp.code(forStep: step) == digits, "accepted \(typed.debugDescription) as step \(step)")
    }
    if let decoded = Base32.decode(typed) {
        precondition(Base32.decode(Base32.encode(decoded)) == decoded, "base32 round trip of \(decoded)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneTimeCode))
