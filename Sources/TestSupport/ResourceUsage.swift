import Foundation

/// What a process holds right now, from /proc. The gateway must hand back its threads and
/// descriptors when connections end; comparing two snapshots shows a leak.
package struct ResourceUsage: Sendable, Equatable, CustomStringConvertible {
    package let threads: Int
    package let openFileDescriptors: Int
    /// Descriptors of SQLite files (`*.db`, `-wal`, `-shm`): the trail's reader pool opens
    /// them as concurrency grows, up to its fixed maximum, and keeps them.
    package let databaseDescriptors: Int
    package let residentBytes: Int

    /// Every descriptor but the SQLite files': what a leak per connection would grow.
    package var otherDescriptors: Int { openFileDescriptors - databaseDescriptors }

    package static func of(pid: Int32) throws -> ResourceUsage {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let database = descriptors.filter { name in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(name)") else {
                return false
            }
            return target.hasSuffix(".db") || target.hasSuffix(".db-wal") || target.hasSuffix(".db-shm")
        }
        return ResourceUsage(
            threads: field("Threads:", in: status) ?? 0,
            openFileDescriptors: descriptors.count,
            databaseDescriptors: database.count,
            residentBytes: (field("VmRSS:", in: status) ?? 0) * 1024
        )
    }

    /// Polls until `isAcceptable` holds or `timeout` passes; returns the last snapshot.
    package static func wait(
        pid: Int32,
        timeout: Duration,
        until isAcceptable: (ResourceUsage) -> Bool
    ) async throws -> ResourceUsage {
        let deadline = ContinuousClock.now + timeout
        var usage = try of(pid: pid)
        while !isAcceptable(usage) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            usage = try of(pid: pid)
        }
        return usage
    }

    package var description: String {
        "threads=\(threads) fds=\(openFileDescriptors) (sqlite \(databaseDescriptors)) rss=\(residentBytes / 1024)KiB"
    }

    // Lines look like "Threads:\t5" and "VmRSS:\t  12345 kB".
    private static func field(_ name: String, in status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        return line.dropFirst(name.count).split(separator: " ", omittingEmptySubsequences: true)
            .lazy.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.first
    }
}
