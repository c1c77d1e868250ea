import Certificates
import Foundation
@testable import Gateway
import Policy
import Testing
import TestSupport

/// Certificates signed by the gateway's issuer, presented by the real `ssh` to a real `sshd`
/// that trusts the gateway's CA and has no authorized_keys at all. The time is a parameter of
/// the signer, so an expired certificate needs no waiting.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct UpstreamCertificateSSHDTests {
    private struct Scene {
        let directory: TemporaryDirectory
        let authority: UserCertificateAuthority
        let upstream: KeyPair
        let upstreamPublicKey: [UInt8]
        let server: OpenSSHServer

        static func start() async throws -> Scene {
            let directory = try TemporaryDirectory(prefix: "tracegate-certsshd")
            let authority = try UserCertificateAuthority.loadOrCreate(stateDirectory: directory.path)
            let caFile = try directory.write(authority.current.publicKeyLine + "\n", to: "trusted_user_ca", mode: 0o644)
            let upstream = try await KeyPair.generate(in: directory.path, name: "upstream")
            let file = try Ed25519KeyFile(text: String(contentsOfFile: upstream.privateKeyPath, encoding: .utf8))
            let server = try await OpenSSHServer.start(extraConfiguration: ["TrustedUserCAKeys \(caFile)"])
            try FileManager.default.removeItem(atPath: server.configuration.authorizedKeysPath)
            return Scene(directory: directory, authority: authority, upstream: upstream, upstreamPublicKey: file.publicKey,
                         server: server)
        }

        func request(login: String) -> UpstreamCertificateIssuer.Request {
            UpstreamCertificateIssuer.Request(
                user: "bob", organization: "provider", connectionID: "c-test0001", ticket: "INC-42", login: login,
                terminal: false, portForwarding: false, settings: CertificateSettings(validity: .seconds(300)))
        }

        /// `ssh` with the upstream key and `certificate` beside it, as `login`, running `true`.
        func login(as login: String, certificate: [UInt8]) async throws -> ProcessResult {
            let path = try directory.write(UserCertificate.algorithm + " " + Data(certificate).base64EncodedString() + "\n",
                                           to: "upstream-cert-\(UUID().uuidString).pub", mode: 0o644)
            let client = try OpenSSHClient(in: directory.path, name: "to-target", port: server.port, identity: upstream,
                                           hostKeyLine: server.hostKeyLine, user: login)
            return try await client.ssh("echo logged-in", options: ["-o", "CertificateFile=\(path)"])
        }
    }

    @Test func aCertificateForTheLoginIsAcceptedAndTheTargetLogsItsKeyIDAndSerial() async throws {
        let scene = try await Scene.start()
        defer { scene.server.stop() }
        let issued = try UpstreamCertificateIssuer.sign(
            scene.request(login: TestLogin.name), serial: 4242, upstreamPublicKey: scene.upstreamPublicKey,
            authorities: [scene.authority.current], at: Date())
        let result = try await scene.login(as: TestLogin.name, certificate: issued.certificates[0].blob)
        #expect(result.succeeded && result.stdout == "logged-in\n", "\(result)\n\(scene.server.log)")
        let expected = "ID tracegate user=bob org=provider connection=c-test0001 ticket=INC-42 (serial 4242) CA ED25519 \(scene.authority.current.fingerprint)"
        #expect(scene.server.log.contains(expected), "\(scene.server.log)")
    }

    @Test func aCertificateForDeployCannotLogInAsAnotherAccount() async throws {
        // With TrustedUserCAKeys and no AuthorizedPrincipalsFile, sshd wants the login among the principals.
        let scene = try await Scene.start()
        defer { scene.server.stop() }
        let issued = try UpstreamCertificateIssuer.sign(
            scene.request(login: "deploy"), serial: 1, upstreamPublicKey: scene.upstreamPublicKey,
            authorities: [scene.authority.current], at: Date())
        let result = try await scene.login(as: TestLogin.name, certificate: issued.certificates[0].blob)
        #expect(!result.succeeded, "\(result)")
        #expect(result.stderr.contains("Permission denied"), "\(result)")
        #expect(scene.server.log.contains("name is not a listed principal"), "\(scene.server.log)")
    }

    @Test func anExpiredCertificateIsRefused() async throws {
        let scene = try await Scene.start()
        defer { scene.server.stop() }
        let anHourAgo = Date().addingTimeInterval(-3600)
        let issued = try UpstreamCertificateIssuer.sign(
            scene.request(login: TestLogin.name), serial: 2, upstreamPublicKey: scene.upstreamPublicKey,
            authorities: [scene.authority.current], at: anHourAgo)
        let result = try await scene.login(as: TestLogin.name, certificate: issued.certificates[0].blob)
        #expect(!result.succeeded, "\(result)")
        #expect(scene.server.log.contains("expired"), "\(scene.server.log)")
    }

    @Test func aCertificateNotYetValidIsRefusedButOneMinuteOfSkewIsAllowed() async throws {
        let scene = try await Scene.start()
        defer { scene.server.stop() }
        let later = try UpstreamCertificateIssuer.sign(
            scene.request(login: TestLogin.name), serial: 3, upstreamPublicKey: scene.upstreamPublicKey,
            authorities: [scene.authority.current], at: Date().addingTimeInterval(600))
        #expect(!(try await scene.login(as: TestLogin.name, certificate: later.certificates[0].blob)).succeeded)
        let slightlyAhead = try UpstreamCertificateIssuer.sign(
            scene.request(login: TestLogin.name), serial: 4, upstreamPublicKey: scene.upstreamPublicKey,
            authorities: [scene.authority.current], at: Date().addingTimeInterval(30))
        let result = try await scene.login(as: TestLogin.name, certificate: slightlyAhead.certificates[0].blob)
        #expect(result.succeeded, "\(result)\n\(scene.server.log)")
    }

    @Test func aCertificateFromAnotherCAIsRefused() async throws {
        let scene = try await Scene.start()
        defer { scene.server.stop() }
        let other = try UserCertificateAuthority.loadOrCreate(stateDirectory: scene.directory.file("other"))
        let issued = try UpstreamCertificateIssuer.sign(
            scene.request(login: TestLogin.name), serial: 5, upstreamPublicKey: scene.upstreamPublicKey,
            authorities: [other.current], at: Date())
        let result = try await scene.login(as: TestLogin.name, certificate: issued.certificates[0].blob)
        #expect(!result.succeeded, "\(result)")
    }

    @Test func sourceAddressLetsInOnlyFromTheGatewaysEgressAddress() async throws {
        let scene = try await Scene.start()
        defer { scene.server.stop() }
        for (addresses, accepted) in [(["127.0.0.1/32"], true), (["192.0.2.10"], false)] {
            var request = scene.request(login: TestLogin.name)
            request.settings.sourceAddresses = addresses
            let issued = try UpstreamCertificateIssuer.sign(
                request, serial: 6, upstreamPublicKey: scene.upstreamPublicKey, authorities: [scene.authority.current], at: Date())
            let result = try await scene.login(as: TestLogin.name, certificate: issued.certificates[0].blob)
            #expect(result.succeeded == accepted, "source-address \(addresses): \(result)\n\(scene.server.log.suffix(1500))")
        }
    }
}
