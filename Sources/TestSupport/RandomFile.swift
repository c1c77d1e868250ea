import Foundation

/// Incompressible test payloads, so that compression can never make a broken transfer
/// look fast or a truncated one look complete.
package enum RandomFile {
    /// Writes `byteCount` random bytes to `path` (in 1 MiB chunks, to bound memory).
    package static func write(_ path: String, byteCount: Int) throws {
        guard let source = FileHandle(forReadingAtPath: "/dev/urandom") else {
            throw TestSupportError.systemCall("open /dev/urandom", errno: errno)
        }
        defer { try? source.close() }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let destination = FileHandle(forWritingAtPath: path) else {
            throw TestSupportError.systemCall("open \(path)", errno: errno)
        }
        defer { try? destination.close() }
        var remaining = byteCount
        while remaining > 0 {
            let chunk = try source.read(upToCount: min(remaining, 1 << 20)) ?? Data()
            guard !chunk.isEmpty else { throw TestSupportError.unexpectedOutput("/dev/urandom ran dry") }
            try destination.write(contentsOf: chunk)
            remaining -= chunk.count
        }
    }

    /// Random bytes in memory, for stdin payloads.
    package static func data(byteCount: Int) throws -> Data {
        guard let source = FileHandle(forReadingAtPath: "/dev/urandom") else {
            throw TestSupportError.systemCall("open /dev/urandom", errno: errno)
        }
        defer { try? source.close() }
        return try source.read(upToCount: byteCount) ?? Data()
    }
}
