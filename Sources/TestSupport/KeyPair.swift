import Foundation

/// An OpenSSH key pair made by the real `ssh-keygen`, so the keys under test are exactly
/// what engineers and targets use.
package struct KeyPair: Sendable {
    package enum KeyType: String, Sendable, CaseIterable {
        case ed25519
        case rsa
        case ecdsa

        var keygenArguments: [String] {
            switch self {
            case .ed25519: return ["-t", "ed25519"]
            case .rsa: return ["-t", "rsa", "-b", "3072"]
            case .ecdsa: return ["-t", "ecdsa"]
            }
        }
    }

    package let privateKeyPath: String
    package var publicKeyPath: String { privateKeyPath + ".pub" }
    /// The `.pub` line as written: "ssh-ed25519 AAAA… comment".
    package let publicKeyLine: String
    /// "SHA256:…", as `ssh-keygen -lf` prints it.
    package let fingerprint: String

    /// "type base64" without the comment: the form known_hosts and key comparisons use.
    package var publicKeyBlob: String {
        publicKeyLine.split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// Makes `directory/name` (mode 0600) and `directory/name.pub` without a passphrase.
    package static func generate(
        in directory: String,
        name: String,
        type: KeyType = .ed25519,
        comment: String? = nil
    ) async throws -> KeyPair {
        let path = directory + "/" + name
        let arguments = ["-q", "-N", ""] + type.keygenArguments + ["-C", comment ?? name, "-f", path]
        try await ProcessRunner().run("ssh-keygen", arguments).checked("ssh-keygen")
        chmod(path, 0o600)
        return try await load(privateKeyPath: path)
    }

    /// Reads an existing pair; the public half must sit beside it as `.pub`.
    package static func load(privateKeyPath: String) async throws -> KeyPair {
        let line = try String(contentsOfFile: privateKeyPath + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return KeyPair(
            privateKeyPath: privateKeyPath,
            publicKeyLine: line,
            fingerprint: try await fingerprint(ofPublicKeyFile: privateKeyPath + ".pub")
        )
    }

    /// The SHA-256 fingerprint of a public key file (or of a known_hosts-style line file).
    package static func fingerprint(ofPublicKeyFile path: String) async throws -> String {
        let result = try await ProcessRunner().run("ssh-keygen", ["-l", "-E", "sha256", "-f", path])
            .checked("ssh-keygen -lf \(path)")
        // "256 SHA256:abc… comment (ED25519)"
        guard let field = result.stdout.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }) else {
            throw TestSupportError.unexpectedOutput("ssh-keygen -lf \(path): \(result.stdout)")
        }
        return String(field)
    }

    /// The fingerprint of a public key given as a line ("ssh-ed25519 AAAA… comment").
    package static func fingerprint(ofPublicKeyLine line: String) async throws -> String {
        let scratch = try TemporaryDirectory(prefix: "tracegate-fp")
        let path = try scratch.write(line + "\n", to: "key.pub")
        return try await fingerprint(ofPublicKeyFile: path)
    }
}
