import Foundation

/// Finds programs by name on PATH, as a shell would, so tests can say "ssh" and the
/// failure message names the missing tool instead of a bare ENOENT.
package enum ExecutableLocator {
    package static func find(_ name: String) throws -> String {
        if name.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: name) else {
                throw TestSupportError.executableNotFound(name)
            }
            return name
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for directory in directories {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw TestSupportError.executableNotFound(name)
    }
}
