import Foundation

/// A public key as written in an `authorized_keys` line: `TYPE BASE64 [COMMENT]`.
///
/// Identity is the algorithm and the blob: the comment is a label chosen by whoever pasted the
/// key, so two lines naming the same key with different comments are the same key.
package struct AuthorizedKey: Hashable, Sendable, CustomStringConvertible {
    package let algorithm: String
    package let blob: [UInt8]
    package var comment: String?

    /// Types the gateway accepts anywhere a key is configured. `ssh-dss` and options-prefixed
    /// lines are deliberately absent.
    package static let supportedAlgorithms: [String] = [
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "ssh-rsa",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    package init(line: String) throws(AuthorizedKeyError) {
        let fields = line.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        guard let type = fields.first.map(String.init) else { throw .empty }
        guard fields.count >= 2 else {
            guard Self.supportedAlgorithms.contains(type) else { throw .unsupportedType(type) }
            throw .missingKeyData
        }
        guard let data = Data(base64Encoded: String(fields[1])) else {
            guard Self.supportedAlgorithms.contains(type) else { throw .unsupportedType(type) }
            throw .invalidBase64
        }
        let comment = fields.count == 3 ? fields[2].trimmingCharacters(in: .whitespaces) : ""
        try self.init(algorithm: type, blob: [UInt8](data), comment: comment.isEmpty ? nil : comment)
    }

    /// Checks what OpenSSH checks first: the blob's leading SSH string names the same algorithm
    /// as the line, which catches keys pasted with the wrong type or truncated data.
    package init(algorithm: String, blob: [UInt8], comment: String? = nil) throws(AuthorizedKeyError) {
        guard Self.supportedAlgorithms.contains(algorithm) else { throw .unsupportedType(algorithm) }
        let embedded = Self.leadingString(of: blob)
        guard embedded == Array(algorithm.utf8) else {
            throw .typeMismatch(declared: algorithm, embedded: embedded.map { String(decoding: $0, as: UTF8.self) })
        }
        self.algorithm = algorithm
        self.blob = blob
        self.comment = comment
    }

    package var base64: String { Data(blob).base64EncodedString() }

    package var authorizedKeysLine: String {
        comment.map { "\(algorithm) \(base64) \($0)" } ?? "\(algorithm) \(base64)"
    }

    /// The OpenSSH fingerprint, `SHA256:` and unpadded base64, as `ssh-keygen -l` prints it.
    package var fingerprint: String {
        "SHA256:" + Data(SHA256.digest(blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    package var description: String { "\(algorithm) \(fingerprint)" }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.blob == rhs.blob
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        hasher.combine(blob)
    }

    private static func leadingString(of blob: [UInt8]) -> [UInt8]? {
        guard blob.count >= 4 else { return nil }
        let length = blob[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= blob.count - 4 else { return nil }
        return Array(blob[4..<(4 + length)])
    }
}
