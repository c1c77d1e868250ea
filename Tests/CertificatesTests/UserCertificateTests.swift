import Certificates
import Crypto
import Foundation
import Testing
import TestSupport

/// The encoder against OpenSSH itself: `ssh-keygen -L` parses the certificate and checks the
/// CA's signature before it prints anything.
@Suite struct UserCertificateTests {
    private struct Scene {
        let directory: TemporaryDirectory
        let ca: Curve25519.Signing.PrivateKey
        let user: KeyPair
        let userKey: [UInt8]

        static func make() async throws -> Scene {
            let directory = try TemporaryDirectory(prefix: "tracegate-cert")
            let user = try await KeyPair.generate(in: directory.path, name: "upstream")
            let file = try Ed25519KeyFile(text: String(contentsOfFile: user.privateKeyPath, encoding: .utf8))
            return Scene(directory: directory, ca: Curve25519.Signing.PrivateKey(), user: user, userKey: file.publicKey)
        }

        func certificate(serial: UInt64 = 1234, extensions: Set<CertificateExtension> = [.permitPTY],
                         sourceAddresses: [String] = []) -> UserCertificate {
            UserCertificate(
                nonce: Array(repeating: 7, count: 32), publicKey: userKey, serial: serial,
                keyID: "tracegate user=bob org=provider connection=c-0123 ticket=INC-42", principals: ["deploy"],
                validAfter: 1_800_000_000, validBefore: 1_800_000_300, sourceAddresses: sourceAddresses,
                extensions: extensions, caPublicKey: Array(ca.publicKey.rawRepresentation))
        }

        /// Writes the certificate as `upstream-cert.pub` and returns `ssh-keygen -L` output.
        func list(_ blob: [UInt8]) async throws -> ProcessResult {
            let line = UserCertificate.algorithm + " " + Data(blob).base64EncodedString() + " test\n"
            let path = try directory.write(line, to: "upstream-cert.pub", mode: 0o644)
            return try await ProcessRunner().run("ssh-keygen", ["-L", "-f", path])
        }
    }

    @Test func sshKeygenReadsTheCertificateAndItsSignature() async throws {
        let scene = try await Scene.make()
        let blob = try scene.certificate(sourceAddresses: ["192.0.2.10/32"]).signed { Array(try scene.ca.signature(for: $0)) }
        let listed = try await scene.list(blob).checked("ssh-keygen -L")
        let text = listed.stdout
        #expect(text.contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate"), "\(listed)")
        #expect(text.contains("Key ID: \"tracegate user=bob org=provider connection=c-0123 ticket=INC-42\""), "\(listed)")
        #expect(text.contains("Serial: 1234"), "\(listed)")
        #expect(text.contains("Public key: ED25519-CERT \(try await KeyPair.fingerprint(ofPublicKeyFile: scene.user.publicKeyPath))"), "\(listed)")
        #expect(text.range(of: "Principals: \\n\\s+deploy\\n", options: .regularExpression) != nil, "\(listed)")
        #expect(text.range(of: "Critical Options: \\n\\s+source-address 192.0.2.10/32\\n", options: .regularExpression) != nil, "\(listed)")
        #expect(text.range(of: "Extensions: \\n\\s+permit-pty\\n$", options: .regularExpression) != nil, "\(listed)")
        #expect(text.contains("Signing CA: ED25519 SHA256:"), "\(listed)")
    }

    @Test func validityIsPrintedAsSigned() async throws {
        let scene = try await Scene.make()
        let blob = try scene.certificate().signed { Array(try scene.ca.signature(for: $0)) }
        var runner = ProcessRunner()
        runner.environment["TZ"] = "UTC"
        let line = UserCertificate.algorithm + " " + Data(blob).base64EncodedString() + "\n"
        let path = try scene.directory.write(line, to: "utc-cert.pub", mode: 0o644)
        let listed = try await runner.run("ssh-keygen", ["-L", "-f", path]).checked()
        #expect(listed.stdout.contains("Valid: from 2027-01-15T08:00:00 to 2027-01-15T08:05:00"), "\(listed)")
    }

    @Test func aCertificateWithoutExtensionsListsNone() async throws {
        let scene = try await Scene.make()
        let blob = try scene.certificate(extensions: []).signed { Array(try scene.ca.signature(for: $0)) }
        let listed = try await scene.list(blob).checked()
        #expect(listed.stdout.range(of: "Extensions: \\(none\\)", options: .regularExpression) != nil, "\(listed)")
        #expect(listed.stdout.range(of: "Critical Options: \\(none\\)", options: .regularExpression) != nil, "\(listed)")
    }

    @Test func aSignatureByAnotherKeyIsRefusedBySSHKeygen() async throws {
        let scene = try await Scene.make()
        let impostor = Curve25519.Signing.PrivateKey()
        let blob = try scene.certificate().signed { Array(try impostor.signature(for: $0)) }
        let listed = try await scene.list(blob)
        #expect(!listed.succeeded, "\(listed)")
    }

    @Test func bothExtensionsAreSortedByName() throws {
        let scene = UserCertificate(
            nonce: Array(repeating: 1, count: 32), publicKey: Array(repeating: 2, count: 32), serial: 1, keyID: "k",
            principals: ["p"], validAfter: 1, validBefore: 2, extensions: [.permitPTY, .permitPortForwarding],
            caPublicKey: Array(repeating: 3, count: 32))
        let portion = try scene.signedPortion()
        let text = String(decoding: portion, as: UTF8.self)
        let forwarding = try #require(text.range(of: "permit-port-forwarding"))
        let pty = try #require(text.range(of: "permit-pty"))
        #expect(forwarding.lowerBound < pty.lowerBound)
    }

    @Test func refusesFieldsThatWouldWidenOrBreakTheCertificate() {
        let base = UserCertificate(
            nonce: Array(repeating: 1, count: 32), publicKey: Array(repeating: 2, count: 32), serial: 1, keyID: "k",
            principals: ["p"], validAfter: 1, validBefore: 2, extensions: [], caPublicKey: Array(repeating: 3, count: 32))
        var noPrincipals = base
        noPrincipals.principals = []
        var inverted = base
        inverted.validAfter = 5
        var controlKeyID = base
        controlKeyID.keyID = "a\nb"
        var listPrincipal = base
        listPrincipal.principals = ["root,deploy"]
        for certificate in [noPrincipals, inverted, controlKeyID, listPrincipal] {
            #expect(throws: CertificateError.self) { try certificate.signedPortion() }
        }
    }
}
