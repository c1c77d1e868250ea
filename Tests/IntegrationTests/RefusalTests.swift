import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Every refusal is one clear line on the engineer's terminal and a failed ssh, and
    /// the gateway keeps serving everyone else afterwards.
    @Suite(
        .gatewayFixture {
            $0.mispinnedTargetNames = ["web-03"]
            $0.unreachableTargetNames = ["web-down"]
        },
        .timeLimit(.minutes(3))
    )
    struct RefusalTests {
        @Test func unknownKeyIsDeniedLikeByAnyOpenSSHServer() async throws {
            let fixture = try SharedGateway.current()
            let stranger = try await KeyPair.generate(in: fixture.directory.path, name: "stranger")
            let client = try fixture.gatewayClient(identity: stranger, name: "gw-stranger").withUser("\(fixture.login)@web-01")
            let result = try await client.ssh("true", options: refusalOptions)
            #expect(result.termination == .exited(255), "\(result)")
            expectRefusal(result, containing: "Permission denied (publickey", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func unknownTargetIsRefusedByName() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice(on: "nowhere").ssh("true", options: refusalOptions)
            expectRefusal(result, containing: "tracegate: no target named nowhere", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func loginOutsideTheGrantIsRefused() async throws {
            // bob's organisation may use only the test login on web-01; alice may use "deploy".
            let fixture = try SharedGateway.current()
            let result = try await fixture.bob(on: "web-01", as: "deploy").ssh("true", options: refusalOptions)
            expectRefusal(result, containing: "tracegate: bob may not log in as deploy on web-01", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func targetOutsideTheGrantIsRefused() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.bob(on: "web-02").ssh("true", options: refusalOptions)
            expectRefusal(result, containing: "tracegate: bob may not log in as \(fixture.login) on web-02", fixture)
            try await expectGatewayStillServes(fixture)
        }

        // OpenSSH 9.2 itself rejects usernames with ; | ' ` $( and friends before
        // connecting; these three reach the gateway.
        @Test(arguments: ["a b@web-01", "x y", "@web-01"])
        func malformedUsernameIsRefused(username: String) async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice.withUser(username).ssh("true", options: refusalOptions)
            expectRefusal(result, containing: "tracegate: malformed username \"\(username)\"", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func changedTargetHostKeyIsRefusedShowingTheKeySeen() async throws {
            // web-03 is web-01's sshd pinned to another key: what a swapped or spoofed host looks like.
            let fixture = try SharedGateway.current()
            let seen = fixture.target("web-01").hostKeyFingerprint
            let result = try await fixture.alice(on: "web-03").ssh("true", options: refusalOptions)
            expectRefusal(result, containing: "tracegate: host key of web-03 does not match the pinned key (seen \(seen))", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func unreachableTargetIsReported() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice(on: "web-down").ssh("true", options: refusalOptions)
            expectRefusal(result, containing: "tracegate: target web-down is unreachable (connection refused)", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func agentForwardingIsRefused() async throws {
            let fixture = try SharedGateway.current()
            let agentDirectory = try TemporaryDirectory(prefix: "tracegate-agent")
            let socket = agentDirectory.file("agent.sock")
            let agent = try ProcessRunner().spawn("ssh-agent", ["-D", "-a", socket])
            defer { agent.terminate() }
            let listening = await waitFor(timeout: .seconds(5)) { FileManager.default.fileExists(atPath: socket) }
            try #require(listening, "ssh-agent did not start: \(agent.standardErrorText)")

            let result = try await fixture.alice(on: "web-01").ssh(
                "echo forwarded-$SSH_AUTH_SOCK", options: refusalOptions + ["-A"], environment: ["SSH_AUTH_SOCK": socket]
            )
            expectRefusal(result, containing: "tracegate: agent forwarding is not allowed", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func x11ForwardingIsRefused() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice(on: "web-01").ssh(
                "echo x11-$DISPLAY", options: refusalOptions + ["-o", "ForwardX11=yes"], environment: ["DISPLAY": ":0"]
            )
            expectRefusal(result, containing: "tracegate: X11 forwarding is not allowed", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func remotePortForwardingIsRefused() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice(on: "web-01").ssh(
                "echo remote-forward", options: refusalOptions + ["-R", "0:127.0.0.1:22"]
            )
            expectRefusal(result, containing: "tracegate: remote port forwarding is not allowed", fixture)
            try await expectGatewayStillServes(fixture)
        }

        @Test func stdioForwardingIsRefusedAtChannelOpen() async throws {
            // `ssh -W` (and so `-J`) opens a direct-tcpip channel.
            let fixture = try SharedGateway.current()
            let port = fixture.target("web-01").port
            let result = try await fixture.alice(on: "web-01").ssh(options: refusalOptions + ["-W", "127.0.0.1:\(port)"])
            // libssh 0.10.6 cannot put a reason text in a channel open failure: OpenSSH's own
            // line is all the engineer gets here (README, refusal table).
            expectRefusal(result, containing: "open failed: administratively prohibited", fixture)
            try await expectGatewayStillServes(fixture)
        }

        /// `-L` with a remote command (the usual way) and with `-N` (a tunnel-only connection).
        @Test(arguments: [true, false])
        func localPortForwardConnectionIsRefused(withSession: Bool) async throws {
            let fixture = try SharedGateway.current()
            let localPort = try LoopbackPort.free()
            let targetPort = fixture.target("web-01").port
            let forward = ["-L", "127.0.0.1:\(localPort):127.0.0.1:\(targetPort)"]
            let forwarder = try fixture.alice(on: "web-01").spawnSSH(
                withSession ? "sleep 20" : nil,
                options: refusalOptions + forward + (withSession ? [] : ["-N"])
            )
            defer { forwarder.terminateGroup(signal: SIGKILL) }
            let listening = await waitFor(timeout: .seconds(15)) { LoopbackPort.acceptsConnections(localPort) }
            try #require(listening, "ssh -L never listened\n\(forwarder.standardErrorText)\n\(fixture.gatewayLogTail)")

            // That connect made ssh open a direct-tcpip channel; the gateway must refuse it.
            // With a session, the gateway also says why on its stderr; a -N connection has
            // nowhere to say it but OpenSSH's own "open failed" line.
            let expected = withSession
                ? "tracegate: forwarding to 127.0.0.1:\(targetPort) is not granted"
                : "open failed: administratively prohibited"
            let refused = await waitFor(timeout: .seconds(10)) {
                forwarder.standardErrorText.contains(expected)
            }
            #expect(refused, "ssh -L stderr:\n\(forwarder.standardErrorText)\n\(fixture.gatewayLogTail)")
            try await expectGatewayStillServes(fixture)
        }
    }
}
