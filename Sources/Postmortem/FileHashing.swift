import Crypto
import Foundation

/// Size and SHA-256 of a file, read in 1 MiB chunks.
enum FileHashing {
    static func digest(ofFileAt path: String) throws -> (size: Int64, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BundleError.cannotRead(path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}

/// Why an export could not complete.
package enum BundleError: Error, Sendable, CustomStringConvertible {
    case cannotRead(String)
    case cannotWrite(String, String)
    case destinationNotEmpty(String)
    case unboundedSelection
    case invalidZone(String)
    case archiveFailed(String)
    case notABundle(String)

    package var description: String {
        switch self {
        case .cannotRead(let path): "cannot read \(path)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .destinationNotEmpty(let path): "\(path) exists and is not an empty directory"
        case .unboundedSelection: "a bundle needs --ticket, or --since/--until"
        case .invalidZone(let zone): "unknown time zone \(zone) (use an identifier such as Europe/Paris)"
        case .archiveFailed(let reason): "cannot make the archive: \(reason)"
        case .notABundle(let reason): "not a bundle: \(reason)"
        }
    }
}
