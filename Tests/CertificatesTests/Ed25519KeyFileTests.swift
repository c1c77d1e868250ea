import Certificates
import Crypto
import Foundation
import Testing
import TestSupport

@Suite struct Ed25519KeyFileTests {
    @Test func readsTheSeedOfAKeyWrittenBySSHKeygen() async throws {
        let directory = try TemporaryDirectory(prefix: "tracegate-keyfile")
        let pair = try await KeyPair.generate(in: directory.path, name: "ca", comment: "a comment")
        let file = try Ed25519KeyFile(text: String(contentsOfFile: pair.privateKeyPath, encoding: .utf8))
        #expect(file.comment == "a comment")
        #expect(file.publicKeyLine == pair.publicKeyBlob)
        // The seed really is the private half: swift-crypto derives the same public key from it.
        let derived = try Curve25519.Signing.PrivateKey(rawRepresentation: file.seed).publicKey.rawRepresentation
        #expect(Array(derived) == file.publicKey)
    }

    @Test func refusesAPassphraseProtectedKey() async throws {
        let directory = try TemporaryDirectory(prefix: "tracegate-keyfile")
        let path = directory.file("locked")
        try await ProcessRunner().run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret", "-f", path]).checked()
        #expect(throws: CertificateError.self) { try Ed25519KeyFile(text: String(contentsOfFile: path, encoding: .utf8)) }
    }

    @Test func refusesAnRSAKey() async throws {
        let directory = try TemporaryDirectory(prefix: "tracegate-keyfile")
        let pair = try await KeyPair.generate(in: directory.path, name: "rsa", type: .rsa)
        #expect(throws: CertificateError.unsupported("not an ed25519 key")) {
            try Ed25519KeyFile(text: String(contentsOfFile: pair.privateKeyPath, encoding: .utf8))
        }
    }

    @Test func refusesEveryTruncationAndEveryFlippedByteOfTheBody() async throws {
        let directory = try TemporaryDirectory(prefix: "tracegate-keyfile")
        let pair = try await KeyPair.generate(in: directory.path, name: "ca")
        let text = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        let binary = try #require(Data(base64Encoded: body)).map { $0 }
        #expect(try Ed25519KeyFile(binary: binary).publicKey.count == 32)
        for length in 0..<binary.count {
            #expect(throws: CertificateError.self) { try Ed25519KeyFile(binary: Array(binary[0..<length])) }
        }
        // Every byte but the comment's and the check integers' values matters; none may crash.
        for index in binary.indices {
            var changed = binary
            changed[index] ^= 0x41
            _ = try? Ed25519KeyFile(binary: changed)
        }
    }

    @Test func refusesTextThatIsNoKeyFile() {
        for text in ["", "ssh-ed25519 AAAA", "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n-----END OPENSSH PRIVATE KEY-----\n",
                     "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n", String(repeating: "A", count: 10_000)] {
            #expect(throws: CertificateError.self) { try Ed25519KeyFile(text: text) }
        }
    }
}
