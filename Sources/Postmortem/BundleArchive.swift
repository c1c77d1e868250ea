import Foundation

/// `--tar`: the bundle as one `.tar.gz` for mail or a ticket attachment, made by the system's
/// tar (GNU tar on Debian), and unpacked again for `verify`.
package enum BundleArchive {
    static let tar = "/bin/tar"

    /// Writes DIRECTORY.tar.gz beside the directory, its entries under the directory's name.
    package static func pack(directory: String) throws -> String {
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let url = URL(fileURLWithPath: trimmed).standardizedFileURL
        let archive = url.path + ".tar.gz"
        try run(["--create", "--gzip", "--file", archive, "--owner=0", "--group=0", "--numeric-owner", "--sort=name",
                 "--directory", url.deletingLastPathComponent().path, url.lastPathComponent])
        return archive
    }

    /// Unpacks into a new temporary directory: (that directory, the bundle inside it).
    package static func unpack(_ archive: String) throws -> (temporary: String, bundle: String) {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("tracegate-bundle-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        do {
            try run(["--extract", "--gzip", "--file", archive, "--directory", temporary, "--no-same-owner"])
            let entries = try FileManager.default.contentsOfDirectory(atPath: temporary)
            if entries.contains("manifest.json") { return (temporary, temporary) }
            guard entries.count == 1 else { throw BundleError.notABundle("\(archive) holds \(entries.count) top-level entries") }
            return (temporary, temporary + "/" + entries[0])
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tar)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { throw BundleError.archiveFailed("cannot run \(tar): \(error)") }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BundleError.archiveFailed("tar exited \(process.terminationStatus): "
                                            + String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
