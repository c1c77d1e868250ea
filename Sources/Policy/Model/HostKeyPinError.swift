package enum HostKeyPinError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedFingerprint
    case malformedKey(AuthorizedKeyError)

    package var description: String {
        switch self {
        case .malformedFingerprint:
            return "host_key fingerprint must be SHA256: followed by 43 characters of unpadded base64"
        case .malformedKey(let error):
            return "host_key must be a SHA256: fingerprint or a \"TYPE BASE64\" public key: \(error)"
        }
    }
}
