import Foundation
import SSH

/// The gateway's user CA under `state_dir/keys/`, and its rotation:
/// - `user_ca_ed25519` signs every certificate;
/// - `user_ca_ed25519.next` exists between `tracegate keys rotate-ca` and `--finish`: targets
///   may trust it already, and a target that trusts only it is offered a certificate it signed;
/// - `--finish` keeps the old one as `user_ca_ed25519.retired-<time>` and moves `.next` in.
/// Files are 0600 with a `.pub` beside them, in OpenSSH format.
package struct UserCertificateAuthority: Sendable {
    /// The CA that signs first.
    package let current: CertificateAuthorityKey
    /// The CA of a rotation in progress.
    package let next: CertificateAuthorityKey?

    package static func currentPath(stateDirectory: String) -> String { stateDirectory + "/keys/user_ca_ed25519" }
    package static func nextPath(stateDirectory: String) -> String { currentPath(stateDirectory: stateDirectory) + ".next" }

    /// The CAs in the order they are offered to a target.
    package var signingOrder: [CertificateAuthorityKey] { [current] + (next.map { [$0] } ?? []) }

    /// Loads the CA, creating `user_ca_ed25519` on first use.
    package static func loadOrCreate(stateDirectory: String) throws(CertificateAuthorityError) -> UserCertificateAuthority {
        let currentPath = currentPath(stateDirectory: stateDirectory)
        try createIfAbsent(currentPath)
        let nextPath = nextPath(stateDirectory: stateDirectory)
        let next = FileManager.default.fileExists(atPath: nextPath) ? try CertificateAuthorityKey(path: nextPath) : nil
        return UserCertificateAuthority(current: try CertificateAuthorityKey(path: currentPath), next: next)
    }

    /// Starts a rotation: creates the next CA unless one is already waiting.
    package static func beginRotation(stateDirectory: String) throws(CertificateAuthorityError) -> UserCertificateAuthority {
        _ = try loadOrCreate(stateDirectory: stateDirectory)
        try createIfAbsent(nextPath(stateDirectory: stateDirectory))
        return try loadOrCreate(stateDirectory: stateDirectory)
    }

    /// Ends a rotation: the next CA signs from now on; the old one is kept, retired.
    /// Crash-safe order: the old key gets its retired name by a hard link first, then
    /// `rename` replaces the current key in one step.
    package static func finishRotation(stateDirectory: String, at time: Date = Date()) throws(CertificateAuthorityError)
        -> (authority: UserCertificateAuthority, retiredPath: String)
    {
        let currentPath = currentPath(stateDirectory: stateDirectory)
        let nextPath = nextPath(stateDirectory: stateDirectory)
        guard FileManager.default.fileExists(atPath: nextPath) else { throw .noRotationInProgress }
        _ = try CertificateAuthorityKey(path: nextPath)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let retiredPath = currentPath + ".retired-" + formatter.string(from: time)
        for suffix in ["", ".pub"] where FileManager.default.fileExists(atPath: currentPath + suffix) {
            if link(currentPath + suffix, retiredPath + suffix) != 0 && errno != EEXIST {
                throw .cannotCreate(path: retiredPath + suffix, reason: String(cString: strerror(errno)))
            }
        }
        for suffix in [".pub", ""] where FileManager.default.fileExists(atPath: nextPath + suffix) {
            guard rename(nextPath + suffix, currentPath + suffix) == 0 else {
                throw .cannotCreate(path: currentPath + suffix, reason: String(cString: strerror(errno)))
            }
        }
        return (try loadOrCreate(stateDirectory: stateDirectory), retiredPath)
    }

    private static func createIfAbsent(_ path: String) throws(CertificateAuthorityError) {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        do {
            _ = try PrivateKey.loadOrCreateEd25519(path: path, comment: "tracegate-user-ca")
        } catch {
            throw .cannotCreate(path: path, reason: error.description)
        }
    }
}
