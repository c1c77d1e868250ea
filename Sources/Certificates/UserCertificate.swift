/// An OpenSSH user certificate for an ed25519 key (`ssh-ed25519-cert-v01@openssh.com`,
/// PROTOCOL.certkeys), signed by an ed25519 CA. Values only: the signature is made by the
/// caller's signer over `signedPortion`, so this module needs no crypto library and can be
/// fuzzed and tested alone.
package struct UserCertificate: Sendable, Equatable {
    package static let algorithm = "ssh-ed25519-cert-v01@openssh.com"
    /// SSH_CERT_TYPE_USER.
    private static let userType: UInt32 = 1

    package var nonce: [UInt8]
    /// The certified ed25519 public key (32 bytes): the gateway's upstream key.
    package var publicKey: [UInt8]
    package var serial: UInt64
    package var keyID: String
    package var principals: [String]
    /// Seconds since the epoch; OpenSSH accepts the certificate for valid_after <= now < valid_before.
    package var validAfter: UInt64
    package var validBefore: UInt64
    /// `source-address`, when set: the CIDR list the target accepts the certificate from.
    package var sourceAddresses: [String]
    package var extensions: Set<CertificateExtension>
    /// The CA's ed25519 public key (32 bytes).
    package var caPublicKey: [UInt8]

    package init(nonce: [UInt8], publicKey: [UInt8], serial: UInt64, keyID: String, principals: [String],
                 validAfter: UInt64, validBefore: UInt64, sourceAddresses: [String] = [],
                 extensions: Set<CertificateExtension>, caPublicKey: [UInt8]) {
        self.nonce = nonce
        self.publicKey = publicKey
        self.serial = serial
        self.keyID = keyID
        self.principals = principals
        self.validAfter = validAfter
        self.validBefore = validBefore
        self.sourceAddresses = sourceAddresses
        self.extensions = extensions
        self.caPublicKey = caPublicKey
    }

    /// Everything the CA signs: the certificate up to and including the signature key.
    package func signedPortion() throws(CertificateError) -> [UInt8] {
        try validate()
        var writer = SSHWireWriter()
        writer.string(Self.algorithm)
        writer.string(nonce)
        writer.string(publicKey)
        writer.uint64(serial)
        writer.uint32(Self.userType)
        writer.string(keyID)
        writer.nested { list in for principal in principals { list.string(principal) } }
        writer.uint64(validAfter)
        writer.uint64(validBefore)
        // Options and extensions are sorted by name; an option's data is itself a string.
        writer.nested { options in
            if !sourceAddresses.isEmpty {
                options.string("source-address")
                options.nested { $0.string(sourceAddresses.joined(separator: ",")) }
            }
        }
        writer.nested { list in
            for name in extensions.map(\.rawValue).sorted() {
                list.string(name)
                list.string([UInt8]())
            }
        }
        writer.string([UInt8]())  // reserved
        writer.string(Ed25519KeyFile.publicKeyBlob(caPublicKey))
        return writer.bytes
    }

    /// The whole certificate blob, given the CA's Ed25519 signature over `signedPortion()`.
    package func encoded(signature: [UInt8]) throws(CertificateError) -> [UInt8] {
        guard signature.count == 64 else { throw .invalidField("an ed25519 signature has 64 bytes") }
        var writer = SSHWireWriter()
        writer.nested { $0.string("ssh-ed25519"); $0.string(signature) }
        return try signedPortion() + writer.bytes
    }

    /// Signs with `sign` (Ed25519 over the bytes given) and returns the blob.
    package func signed(with sign: ([UInt8]) throws -> [UInt8]) throws -> [UInt8] {
        let portion = try signedPortion()
        return try encoded(signature: try sign(portion))
    }

    private func validate() throws(CertificateError) {
        guard nonce.count >= 16 else { throw .invalidField("nonce shorter than 16 bytes") }
        guard publicKey.count == 32, caPublicKey.count == 32 else { throw .invalidField("ed25519 keys have 32 bytes") }
        guard !principals.isEmpty else { throw .invalidField("a certificate without principals is valid for every login") }
        for principal in principals where !Self.isPlainText(principal) || principal.contains(",") {
            throw .invalidField("principal \(principal.debugDescription)")
        }
        guard Self.isPlainText(keyID) else { throw .invalidField("key id with control characters") }
        guard validAfter < validBefore else { throw .invalidField("valid_after is not before valid_before") }
        for address in sourceAddresses where !Self.isPlainText(address) || address.contains(",") || address.contains(" ") {
            throw .invalidField("source address \(address.debugDescription)")
        }
    }

    private static func isPlainText(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 1024 && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7f }
    }
}

/// The certificate extensions the gateway may grant. Agent and X11 forwarding and user rc
/// files are not in the list: a certificate never grants them.
package enum CertificateExtension: String, Sendable, Hashable, CaseIterable {
    case permitPTY = "permit-pty"
    case permitPortForwarding = "permit-port-forwarding"
}
