/// Why a line is not a usable public key. Messages quote the offending text through `SafeText`
/// because key lines come from files and configuration that may hold anything.
package enum AuthorizedKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case unsupportedType(String)
    case missingKeyData
    case invalidBase64
    case typeMismatch(declared: String, embedded: String?)

    package var description: String {
        switch self {
        case .empty:
            return "empty key"
        case .unsupportedType(let type):
            return "unsupported key type \(SafeText.quoted(type)) (supported: "
                + AuthorizedKey.supportedAlgorithms.joined(separator: ", ") + ")"
        case .missingKeyData:
            return "missing base64 key data after the key type"
        case .invalidBase64:
            return "key data is not valid base64"
        case .typeMismatch(let declared, let embedded?):
            return "key is declared as \(declared) but its data holds a \(SafeText.quoted(embedded)) key"
        case .typeMismatch(let declared, nil):
            return "key data does not start with the key type \(declared)"
        }
    }
}
