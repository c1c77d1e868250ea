import Foundation

/// An unencrypted ed25519 private key in OpenSSH's `openssh-key-v1` format (PROTOCOL.key),
/// as `ssh-keygen` and libssh write it: the gateway needs the raw 32-byte seed of its CA
/// key to sign certificates with swift-crypto, and libssh does not hand it out.
///
/// The file is the gateway's own (0600 under `state_dir/keys/`), but it is read as untrusted
/// input all the same: bounded in size, every length checked, every inconsistency refused.
package struct Ed25519KeyFile: Sendable, Equatable {
    /// The private seed (RFC 8032's 32-byte secret key).
    package let seed: [UInt8]
    /// The public key (32 bytes).
    package let publicKey: [UInt8]
    package let comment: String

    /// Larger than any ed25519 key file with a sane comment; anything bigger is refused unread.
    package static let maximumFileBytes = 8 * 1024

    private static let header = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let footer = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Array("openssh-key-v1".utf8) + [0]

    /// Parses the text of the file (PEM-like armour around base64).
    package init(text: String) throws(CertificateError) {
        guard text.utf8.count <= Self.maximumFileBytes else { throw .malformed("file larger than \(Self.maximumFileBytes) bytes") }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let first = lines.first, first == Self.header else { throw .malformed("no BEGIN OPENSSH PRIVATE KEY line") }
        guard let end = lines.firstIndex(of: Self.footer) else { throw .malformed("no END OPENSSH PRIVATE KEY line") }
        guard lines[(end + 1)...].isEmpty else { throw .malformed("text after the END line") }
        let body = lines[1..<end].joined()
        guard let decoded = Data(base64Encoded: body) else { throw .malformed("invalid base64") }
        try self.init(binary: Array(decoded))
    }

    /// Parses the decoded binary form.
    package init(binary: [UInt8]) throws(CertificateError) {
        guard binary.count >= Self.magic.count, Array(binary[0..<Self.magic.count]) == Self.magic else {
            throw .malformed("not an openssh-key-v1 key")
        }
        var reader = SSHWireReader(binary)
        _ = try reader.bytes(Self.magic.count)
        let cipher = try reader.text()
        let kdf = try reader.text()
        _ = try reader.string()
        guard cipher == "none", kdf == "none" else { throw .unsupported("the key is passphrase-protected (\(cipher))") }
        guard try reader.uint32() == 1 else { throw .unsupported("the file holds more than one key") }
        let publicBlob = try reader.string()
        let privateSection = try reader.string()
        guard reader.isAtEnd else { throw .malformed("data after the private section") }

        var outer = SSHWireReader(publicBlob)
        guard try outer.text() == "ssh-ed25519" else { throw .unsupported("not an ed25519 key") }
        let outerPublic = try outer.string()
        guard outerPublic.count == 32, outer.isAtEnd else { throw .malformed("bad ed25519 public key") }

        // The private section is padded with 1, 2, 3, … to a block size: 8 for "none" in
        // ssh-keygen, 16 in libssh (its AES block size, even unencrypted).
        guard privateSection.count % 8 == 0 else { throw .malformed("private section not padded to 8 bytes") }
        var inner = SSHWireReader(privateSection)
        guard try inner.uint32() == inner.uint32() else { throw .malformed("check integers differ") }
        guard try inner.text() == "ssh-ed25519" else { throw .malformed("private key type differs from the public key") }
        let innerPublic = try inner.string()
        let secret = try inner.string()
        let commentBytes = try inner.string()
        guard innerPublic == outerPublic else { throw .malformed("private and public halves differ") }
        guard secret.count == 64, Array(secret[32...]) == outerPublic else { throw .malformed("bad ed25519 private key") }
        let padding = try inner.bytes(inner.remaining)
        guard padding.count < 16, padding.enumerated().allSatisfy({ $0.element == UInt8($0.offset + 1) }) else {
            throw .malformed("bad padding")
        }
        seed = Array(secret[0..<32])
        publicKey = outerPublic
        comment = String(decoding: commentBytes, as: UTF8.self)
    }

    /// `ssh-ed25519 AAAA…` for the public half: the line targets trust.
    package var publicKeyLine: String {
        "ssh-ed25519 " + Data(Self.publicKeyBlob(publicKey)).base64EncodedString()
    }

    /// The SSH wire blob of an ed25519 public key.
    package static func publicKeyBlob(_ key: [UInt8]) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.string("ssh-ed25519")
        writer.string(key)
        return writer.bytes
    }
}
