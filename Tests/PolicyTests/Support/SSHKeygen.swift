import Foundation

/// Real keys from OpenSSH's `ssh-keygen`, so parsing is checked against what users paste.
enum SSHKeygen {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Generates a key pair in `directory` and returns the public key line.
    static func publicKeyLine(type: String, bits: Int? = nil, comment: String, in directory: TemporaryDirectory) throws -> String {
        let keyPath = directory.file("\(type)-\(UUID().uuidString)")
        var arguments = ["-q", "-t", type, "-N", "", "-C", comment, "-f", keyPath]
        if let bits { arguments += ["-b", String(bits)] }
        _ = try run(arguments)
        return try String(contentsOfFile: keyPath + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `SHA256:` fingerprint `ssh-keygen -l` prints for a public key line.
    static func fingerprint(of publicKeyLine: String, in directory: TemporaryDirectory) throws -> String {
        let path = try directory.write("fingerprint-\(UUID().uuidString).pub", publicKeyLine + "\n")
        let output = try run(["-l", "-E", "sha256", "-f", path])
        guard let fingerprint = output.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }) else {
            throw Failure(description: "no fingerprint in ssh-keygen output: \(output)")
        }
        return String(fingerprint)
    }

    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "ssh-keygen \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }
}
