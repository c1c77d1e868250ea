import Foundation

/// SHA-256 of files through coreutils' `sha256sum`: TestSupport stays Foundation-only, and
/// hashing a 500 MB file in a child keeps it off the test process's threads.
package enum FileDigest {
    package static func sha256(_ path: String) async throws -> String {
        let result = try await ProcessRunner().run("sha256sum", ["-b", path], timeout: .seconds(300)).checked("sha256sum")
        guard let digest = result.stdout.split(separator: " ").first, digest.count == 64 else {
            throw TestSupportError.unexpectedOutput("sha256sum \(path): \(result.stdout)")
        }
        return String(digest)
    }
}
