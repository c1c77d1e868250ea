import Crypto
import Foundation

/// Time-based one-time passwords as RFC 6238 defines them and every authenticator app
/// computes them: HMAC-SHA1 over the 30-second step counter (RFC 4226's HOTP), dynamically
/// truncated to 6 digits.
package struct TOTP: Sendable {
    package static let digits = 6
    package static let stepSeconds: Int64 = 30
    /// A code of the step before or after the current one is accepted too: clocks drift, and
    /// a code typed in the last second of its step arrives in the next.
    package static let acceptedSkew: Int64 = 1

    private let secret: SymmetricKey

    package init(secret: [UInt8]) {
        self.secret = SymmetricKey(data: secret)
    }

    /// The step counter of `date` (seconds since 1970 divided by 30).
    package static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / stepSeconds
    }

    /// The code of `step`, zero-padded.
    package func code(forStep step: Int64, digits: Int = TOTP.digits) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: secret))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    /// The step whose code `code` is, within the accepted skew around `date`; nil if none.
    /// Steps are tried in a fixed order with a constant-time comparison, so the answer's
    /// timing does not tell which digits were right.
    package func matchingStep(of code: String, at date: Date) -> Int64? {
        let typed = Array(code.utf8.filter { $0 != UInt8(ascii: " ") })
        guard typed.count == Self.digits, typed.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let current = Self.step(at: date)
        var found: Int64?
        for step in (current - Self.acceptedSkew)...(current + Self.acceptedSkew) {
            if Self.constantTimeEqual(Array(self.code(forStep: step).utf8), typed) && found == nil { found = step }
        }
        return found
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// 20 random bytes (160 bits, RFC 4226's recommended length) from the system's generator.
    package static func makeSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
