import Foundation

/// What a process holds right now, from /proc. The gateway must hand back its threads and
/// descriptors when connections end; comparing two snapshots shows a leak.
package struct ResourceUsage: Sendable, Equatable, CustomStringConvertible {
    package let threads: Int
    package let openFileDescriptors: Int
    package let residentBytes: Int

    package static func of(pid: Int32) throws -> ResourceUsage {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        return ResourceUsage(
            threads: field("Threads:", in: status) ?? 0,
            openFileDescriptors: descriptors.count,
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
        "threads=\(threads) fds=\(openFileDescriptors) rss=\(residentBytes / 1024)KiB"
    }

    // Lines look like "Threads:\t5" and "VmRSS:\t  12345 kB".
    private static func field(_ name: String, in status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        return line.dropFirst(name.count).split(separator: " ", omittingEmptySubsequences: true)
            .lazy.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.first
    }
}
