import Certificates
import Crypto
import Foundation
import SSH

/// One ed25519 user CA: its seed (to sign with swift-crypto) and its public line (for the
/// targets' `TrustedUserCAKeys`). Loaded from an OpenSSH private key file that `ssh-keygen`
/// reads too (`ssh-keygen -y -f state_dir/keys/user_ca_ed25519`).
package struct CertificateAuthorityKey: Sendable {
    private let signingKey: Curve25519.Signing.PrivateKey
    package let publicKey: [UInt8]
    package let path: String

    /// `ssh-ed25519 AAAA…`: the line for `TrustedUserCAKeys`.
    package var publicKeyLine: String { "ssh-ed25519 " + Data(Ed25519KeyFile.publicKeyBlob(publicKey)).base64EncodedString() }

    /// `SHA256:…`, as the target's sshd prints it after "CA ED25519".
    package var fingerprint: String {
        let digest = SHA256.hash(data: Ed25519KeyFile.publicKeyBlob(publicKey))
        return "SHA256:" + Data(digest).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// Reads the key at `path`, refusing a file others can read (as OpenSSH does).
    package init(path: String) throws(CertificateAuthorityError) {
        do {
            // Checks the mode and that libssh reads it: the same rules as the other keys.
            _ = try PrivateKey(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "cannot read the file")
        }
        let file: Ed25519KeyFile
        do {
            file = try Ed25519KeyFile(text: text)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        do {
            signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: file.seed)
        } catch {
            throw .unreadable(path: path, reason: "invalid ed25519 seed")
        }
        guard Array(signingKey.publicKey.rawRepresentation) == file.publicKey else {
            throw .unreadable(path: path, reason: "the public half does not match the seed")
        }
        publicKey = file.publicKey
        self.path = path
    }

    /// Ed25519 signature over `message` (the certificate up to its signature field).
    package func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try signingKey.signature(for: message))
    }
}

package enum CertificateAuthorityError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case cannotCreate(path: String, reason: String)
    case noRotationInProgress
    case signingFailed(String)
    case serialUnavailable(String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        case .noRotationInProgress: "no CA rotation in progress; start one with: tracegate keys rotate-ca"
        case .signingFailed(let reason): "cannot sign the certificate: \(reason)"
        case .serialUnavailable(let reason): "no certificate serial: \(reason)"
        }
    }
}
