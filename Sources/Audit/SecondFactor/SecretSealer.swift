internal import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seals TOTP secrets with AES-256-GCM under the gateway's own key,
/// `state_dir/keys/mfa_secret_key` (32 random bytes, 0600, created on first use). The user
/// name is the associated data, so a sealed secret copied onto another user's row does not open.
///
/// The key lives beside the host keys, outside audit.db: `tracegate audit backup` copies the
/// database (sealed secrets) but never the key, which is backed up separately (README).
package struct SecretSealer: Sendable {
    private let key: SymmetricKey

    package static func keyPath(stateDirectory: String) -> String { stateDirectory + "/keys/mfa_secret_key" }

    init(key: SymmetricKey) {
        self.key = key
    }

    /// Reads the key file, creating it (and `keys/`, 0700) if absent; refuses one that others can read.
    package static func loadOrCreate(stateDirectory: String) throws(SecondFactorError) -> SecretSealer {
        let path = keyPath(stateDirectory: stateDirectory)
        let directory = (path as NSString).deletingLastPathComponent
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .key("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        var descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if descriptor < 0 && errno == ENOENT {
            try create(path)
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        }
        guard descriptor >= 0 else { throw .key("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & 0o077 == 0 else {
            throw .key("\(path) must be readable by its owner only (chmod 600 \(path))")
        }
        var bytes = [UInt8](repeating: 0, count: 33)
        let count = read(descriptor, &bytes, bytes.count)
        guard count == 32 else { throw .key("\(path) must hold exactly 32 bytes") }
        return SecretSealer(key: SymmetricKey(data: bytes[0..<32]))
    }

    private static func create(_ path: String) throws(SecondFactorError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno == EEXIST { return }  // another process created it first
        guard descriptor >= 0 else { throw .key("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o600)
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw .key("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    package func seal(_ secret: [UInt8], for user: String) throws(SecondFactorError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(secret, using: key, authenticating: Array(user.utf8))
            guard let combined = box.combined else { throw SecondFactorError.key("AES-GCM produced no output") }
            return Array(combined)
        } catch {
            throw .key("cannot seal a secret: \(error)")
        }
    }

    package func unseal(_ sealed: [UInt8], for user: String) throws(SecondFactorError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(user.utf8)))
        } catch {
            throw .unreadableSecret(user: user)
        }
    }
}
