import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Non-interactive commands through the gateway behave exactly as they do when the
    /// engineer connects to the target directly.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct ExecTests {
        @Test(arguments: [
            "echo out; echo err >&2",
            "echo out; echo err >&2; exit 3",
            "printf 'no newline'; printf 'err no newline' >&2",
        ])
        func stdoutStderrAndExitStatusAreIdenticalToADirectConnection(command: String) async throws {
            let fixture = try SharedGateway.current()
            let viaGateway = try await fixture.alice(on: "web-01").ssh(command)
            let direct = try await fixture.direct(to: "web-01").ssh(command)
            #expect(viaGateway.termination == direct.termination, "\(viaGateway)\n\(fixture.gatewayLogTail)")
            #expect(viaGateway.standardOutput == direct.standardOutput, "\(viaGateway)\nvs direct\n\(direct)")
            #expect(viaGateway.standardError == direct.standardError, "\(viaGateway)\nvs direct\n\(direct)")
        }

        @Test func remoteShellKilledBySignalGives255LikeADirectConnection() async throws {
            let fixture = try SharedGateway.current()
            let viaGateway = try await fixture.alice(on: "web-01").ssh("kill -TERM $$")
            let direct = try await fixture.direct(to: "web-01").ssh("kill -TERM $$")
            #expect(direct.termination == .exited(255), "\(direct)")
            #expect(viaGateway.termination == .exited(255), "\(viaGateway)\n\(fixture.gatewayLogTail)")
            #expect(viaGateway.standardError == direct.standardError, "\(viaGateway)\nvs direct\n\(direct)")
        }

        @Test func stdinIsDeliveredInFullFollowedByEOF() async throws {
            let fixture = try SharedGateway.current()
            let input = try RandomFile.data(byteCount: 1 << 20)
            let result = try await fixture.alice(on: "web-01").ssh("cat | wc -c", input: .data(input))
            #expect(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1048576", "\(result)")
        }

        @Test func sessionRunsAsTheRequestedLoginOnTheRequestedTarget() async throws {
            let fixture = try SharedGateway.current()
            for target in ["web-01", "web-02"] {
                // The target's sshd port tells which target actually ran the command.
                let result = try await fixture.alice(on: target).ssh("id -un; echo ${SSH_CONNECTION##* }")
                let expected = "\(fixture.login)\n\(fixture.target(target).port)\n"
                #expect(result.succeeded && result.stdout == expected, "\(result)\n\(fixture.gatewayLogTail)")
            }
        }

        @Test func targetAloneAsUsernameUsesItsDefaultLogin() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice.withUser("web-02").ssh("id -un")
            #expect(result.succeeded && result.stdout == "\(fixture.login)\n", "\(result)\n\(fixture.gatewayLogTail)")
        }

        @Test func loginAtTargetAtGatewayDestinationWorksAsDocumented() async throws {
            // `ssh root@web-01@gateway`: OpenSSH splits the destination at its last "@".
            let fixture = try SharedGateway.current()
            let client = fixture.alice
            let result = try await ProcessRunner(environment: OpenSSHClient.environment()).run(
                "ssh", ["-F", client.configPath, "\(fixture.login)@web-01@\(client.alias)", "id -un"]
            )
            #expect(result.succeeded && result.stdout == "\(fixture.login)\n", "\(result)\n\(fixture.gatewayLogTail)")
        }

        @Test func bobReachesTheTargetHisOrganizationIsGranted() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.bob(on: "web-01").ssh("echo provider-ok")
            #expect(result.succeeded && result.stdout == "provider-ok\n", "\(result)\n\(fixture.gatewayLogTail)")
        }
    }
}
