import Foundation

/// Runs the tools an auditor would use on a recording, to prove the files work with them.
enum ExternalTools {
    static let asciinemaPath = "/usr/bin/asciinema"
    static var hasAsciinema: Bool { FileManager.default.isExecutableFile(atPath: asciinemaPath) }

    /// `asciinema cat FILE`'s exit status and output. asciinema opens /dev/tty even to
    /// print, so it runs under `script`, which gives it a pseudo-terminal. Its install ID
    /// comes from the environment: without one, asciinema 2.2 writes one under
    /// ~/.config on its first run, and two first runs at once (parallel tests on a fresh
    /// machine) race on creating that directory and one fails.
    static func asciinemaCat(_ path: String) throws -> (status: Int32, output: String) {
        let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return try run("/usr/bin/script", ["-qec", "ASCIINEMA_INSTALL_ID=tracegate-tests \(asciinemaPath) cat \(quoted)", "/dev/null"])
    }

    static func sha256sum(_ path: String) throws -> String {
        let result = try run("/usr/bin/sha256sum", [path])
        return String(result.output.prefix(while: { $0 != " " }))
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension ExternalTools {
    /// True when `asciinema cat` accepts the file, or when asciinema is not installed.
    static func asciinemaCatIfAvailable(_ path: String) throws -> Bool {
        guard hasAsciinema else { return true }
        let result = try asciinemaCat(path)
        if result.status != 0 { print("asciinema cat \(path) failed: \(result.output)") }
        return result.status == 0
    }
}
