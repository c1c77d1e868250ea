internal import CLibSSH
import Foundation

/// A public key as Swift values: algorithm name, wire blob and SHA-256 fingerprint.
/// Copies what it needs out of libssh so that it can cross threads and modules freely.
package struct PublicKey: Sendable, Hashable {
    /// The key type as OpenSSH names it in authorized_keys ("ssh-ed25519", "ssh-rsa", …).
    package let algorithm: String
    /// Base64 of the SSH wire encoding, as in an authorized_keys line.
    package let base64: String
    /// `SHA256:…` exactly as `ssh-keygen -l` prints it.
    package let fingerprint: String

    package var blob: [UInt8] { Array(Data(base64Encoded: base64) ?? Data()) }
    package var authorizedKeysLine: String { "\(algorithm) \(base64)" }

    /// Parses an authorized_keys style pair ("ssh-ed25519", "AAAA…").
    package init(algorithm: String, base64: String) throws(SSHError) {
        let type = ssh_key_type_from_name(algorithm)
        guard type != SSH_KEYTYPE_UNKNOWN else { throw .invalidKey("unknown key type \(algorithm)") }
        var key: OpaquePointer?
        guard ssh_pki_import_pubkey_base64(base64, type, &key) == SSH_OK, let key else {
            throw .invalidKey("cannot decode \(algorithm) key")
        }
        defer { ssh_key_free(key) }
        try self.init(borrowing: key)
    }

    /// Copies a libssh key without taking ownership of it.
    init(borrowing key: OpaquePointer) throws(SSHError) {
        var encoded: UnsafeMutablePointer<CChar>?
        guard ssh_pki_export_pubkey_base64(key, &encoded) == SSH_OK, let encoded else {
            throw .invalidKey("cannot export public key")
        }
        defer { ssh_string_free_char(encoded) }
        let typeName = LibSSH.string(ssh_key_type_to_char(ssh_key_type(key)))
        self.algorithm = typeName
        self.base64 = String(cString: encoded)
        self.fingerprint = try Self.sha256Fingerprint(of: key)
    }

    private static func sha256Fingerprint(of key: OpaquePointer) throws(SSHError) -> String {
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0, let hash else {
            throw .invalidKey("cannot hash public key")
        }
        defer {
            var owned: UnsafeMutablePointer<UInt8>? = hash
            ssh_clean_pubkey_hash(&owned)
        }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length) else {
            throw .invalidKey("cannot format fingerprint")
        }
        defer { ssh_string_free_char(text) }
        return String(cString: text)
    }
}
