internal import CLibSSH
import Foundation

/// A private key loaded from disk, owned by the gateway (its host key or its upstream
/// client key). The libssh handle never leaves this module.
package final class PrivateKey: @unchecked Sendable {
    // Immutable after init; libssh only reads the key when signing, and each use
    // passes it to one session at a time (import duplicates it for the bind).
    let handle: OpaquePointer
    package let path: String
    package let publicKey: PublicKey
    /// The file's text, kept to make per-connection copies that carry a certificate
    /// (`certified(with:)`): libssh attaches a certificate to the key object itself, and this
    /// one is shared by every connection thread.
    private let armoredText: String

    /// Loads a key file, refusing one that others can read.
    package init(path: String) throws(SSHError) {
        try KeyFilePermissions.requirePrivate(path)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.utf8.count <= 64 * 1024 else {
            throw .keyFile(path: path, problem: "cannot read private key")
        }
        var key: OpaquePointer?
        guard ssh_pki_import_privkey_base64(text, nil, nil, nil, &key) == SSH_OK, let key else {
            throw .keyFile(path: path, problem: "cannot read private key (wrong format or passphrase-protected)")
        }
        self.handle = key
        self.path = path
        self.armoredText = text
        do {
            self.publicKey = try PublicKey(borrowing: key)
        } catch {
            ssh_key_free(key)
            throw error
        }
    }

    deinit {
        ssh_key_free(handle)
    }

    /// A private copy of this key with `certificate` (an OpenSSH certificate blob for this
    /// key's public half) attached, for one upstream login. Nothing is written to disk.
    package func certified(with certificate: [UInt8]) throws(SSHError) -> CertifiedKey {
        var copy: OpaquePointer?
        guard ssh_pki_import_privkey_base64(armoredText, nil, nil, nil, &copy) == SSH_OK, let copy else {
            throw .invalidKey("cannot copy the private key")
        }
        let base64 = Data(certificate).base64EncodedString()
        var cert: OpaquePointer?
        let certificateType = ssh_key_type_from_name("ssh-ed25519-cert-v01@openssh.com")
        guard ssh_pki_import_cert_base64(base64, certificateType, &cert) == SSH_OK, let cert else {
            ssh_key_free(copy)
            throw .invalidKey("libssh cannot read the certificate")
        }
        defer { ssh_key_free(cert) }
        guard ssh_pki_copy_cert_to_privkey(cert, copy) == SSH_OK else {
            ssh_key_free(copy)
            throw .invalidKey("the certificate is not for this key")
        }
        return CertifiedKey(handle: copy)
    }

    /// Loads the ed25519 key at `path`, creating it (and its `.pub`) first if absent.
    /// The directory is created 0700 and the private file 0600.
    package static func loadOrCreateEd25519(path: String, comment: String) throws(SSHError) -> PrivateKey {
        if !FileManager.default.fileExists(atPath: path) {
            try createEd25519(path: path, comment: comment)
        }
        return try PrivateKey(path: path)
    }

    private static func createEd25519(path: String, comment: String) throws(SSHError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .keyFile(path: directory, problem: "cannot create directory: \(error)")
        }
        var key: OpaquePointer?
        guard ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) == SSH_OK, let key else {
            throw .keyFile(path: path, problem: "cannot generate an ed25519 key")
        }
        defer { ssh_key_free(key) }
        var exported: UnsafeMutablePointer<CChar>?
        guard ssh_pki_export_privkey_base64(key, nil, nil, nil, &exported) == SSH_OK, let exported else {
            throw .keyFile(path: path, problem: "cannot encode the new key")
        }
        let privateText = String(cString: exported)
        ssh_string_free_char(exported)
        try KeyFilePermissions.writeNew(privateText, to: path, mode: 0o600)
        let publicKey = try PublicKey(borrowing: key)
        try KeyFilePermissions.writeNew("\(publicKey.authorizedKeysLine) \(comment)\n", to: path + ".pub", mode: 0o644)
    }
}
