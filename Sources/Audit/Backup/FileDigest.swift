internal import Crypto
import Foundation

/// Size and SHA-256 of a file, read in chunks (recordings reach 100 MiB).
struct FileDigest: Sendable, Hashable {
    let size: Int64
    let sha256: String

    init(ofFileAt path: String) throws(AuditError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .backupFailed(reason: "cannot read \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw .backupFailed(reason: "cannot read \(path): \(error.localizedDescription)")
        }
        self.size = size
        sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
