import Foundation

/// What the configuration says a target's host key must be. A fingerprint is what operators
/// copy from `ssh-keygen -lf`; a full key is what `ssh-keyscan` prints. Either pins exactly one key.
package enum HostKeyPin: Hashable, Sendable, CustomStringConvertible {
    case fingerprint(String)
    case key(AuthorizedKey)

    package init(parsing text: String) throws(HostKeyPinError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("SHA256:") {
            guard Self.isFingerprint(trimmed) else { throw .malformedFingerprint }
            self = .fingerprint(trimmed)
            return
        }
        do {
            self = .key(try AuthorizedKey(line: trimmed))
        } catch {
            throw .malformedKey(error)
        }
    }

    package func matches(_ key: AuthorizedKey) -> Bool {
        switch self {
        case .fingerprint(let fingerprint): return key.fingerprint == fingerprint
        case .key(let pinned): return pinned == key
        }
    }

    package var fingerprint: String {
        switch self {
        case .fingerprint(let fingerprint): return fingerprint
        case .key(let key): return key.fingerprint
        }
    }

    package var description: String {
        switch self {
        case .fingerprint(let fingerprint): return fingerprint
        case .key(let key): return key.authorizedKeysLine
        }
    }

    // 43 characters of unpadded base64 is exactly 32 bytes, a SHA-256 digest. The round trip
    // refuses non-canonical spellings, so that string comparison with a computed fingerprint holds.
    private static func isFingerprint(_ text: String) -> Bool {
        let encoded = String(text.dropFirst("SHA256:".count)) + "="
        guard encoded.count == 44, let digest = Data(base64Encoded: encoded) else { return false }
        return digest.count == 32 && digest.base64EncodedString() == encoded
    }
}
