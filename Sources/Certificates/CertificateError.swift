/// What can go wrong reading a CA key file or building a certificate, as one line an operator
/// can act on. Never carries key material.
package enum CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not what the format says (truncated, inconsistent lengths, bad check).
    case malformed(String)
    /// A well-formed file this gateway does not use (encrypted, not ed25519, several keys).
    case unsupported(String)
    /// A certificate field the gateway refuses to put in a certificate.
    case invalidField(String)

    package var description: String {
        switch self {
        case .malformed(let detail): "malformed OpenSSH key: \(detail)"
        case .unsupported(let detail): "unsupported OpenSSH key: \(detail)"
        case .invalidField(let detail): "invalid certificate field: \(detail)"
        }
    }
}
