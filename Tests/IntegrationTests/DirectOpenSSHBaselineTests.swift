import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The harness against a plain sshd, no gateway. These pin down what "identical to a
    /// direct connection" means and prove that a gateway test failure is the gateway's.
    @Suite(.timeLimit(.minutes(3)))
    struct DirectOpenSSHBaselineTests {
        @Test func execReturnsStdoutStderrAndExitStatus() async throws {
            let target = try await DirectTarget.start()
            let result = try await target.client.ssh("echo out; echo err >&2; exit 3")
            #expect(result.termination == .exited(3), "\(result)\n\(target.context)")
            #expect(result.stdout == "out\n")
            #expect(result.stderr == "err\n")
        }

        @Test func remoteShellKilledBySignalMakesSshExit255() async throws {
            let target = try await DirectTarget.start()
            let result = try await target.client.ssh("kill -TERM $$")
            #expect(result.termination == .exited(255), "\(result)")
        }

        @Test func stdinReachesTheRemoteCommandFollowedByEOF() async throws {
            let target = try await DirectTarget.start()
            let input = try RandomFile.data(byteCount: 1 << 20)
            let result = try await target.client.ssh("cat | wc -c", input: .data(input))
            #expect(result.succeeded, "\(result)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1048576")
        }

        @Test(arguments: [false, true])
        func scpRoundTripIsByteIdentical(legacyProtocol: Bool) async throws {
            let target = try await DirectTarget.start()
            try await TransferScenarios.scpRoundTrip(target.client, legacyProtocol: legacyProtocol) { target.context }
        }

        @Test func sftpBatchTakesEffect() async throws {
            let target = try await DirectTarget.start()
            try await TransferScenarios.sftpBatch(target.client) { target.context }
        }

        @Test func rsyncTreeRoundTripIsIdentical() async throws {
            let target = try await DirectTarget.start()
            try await TransferScenarios.rsyncRoundTrip(target.client) { target.context }
        }

        @Test func interactiveShellEchoesResizesInterruptsAndExits() async throws {
            let target = try await DirectTarget.start()
            let steps = InteractiveScenarios.ready + InteractiveScenarios.echo
                + InteractiveScenarios.size(rows: InteractiveScenarios.initialRows, columns: InteractiveScenarios.initialColumns)
                + InteractiveScenarios.resize + InteractiveScenarios.interrupt + InteractiveScenarios.exit(7)
            let transcript = try await InteractiveScenarios.shell(target.client, steps)
            #expect(transcript.failure == nil, "\(transcript)")
            #expect(transcript.termination == .exited(7), "\(transcript)")
            #expect(!transcript.output.contains(InteractiveScenarios.interruptedMarker), "\(transcript)")
        }

        @Test func brokenSshdConfigurationFailsWithSshdsOwnMessage() async throws {
            do {
                _ = try await OpenSSHServer.start(extraConfiguration: ["NoSuchOption yes"])
                Issue.record("sshd started with a broken configuration")
            } catch let error as TestSupportError {
                #expect("\(error)".contains("NoSuchOption"), "\(error)")
            }
        }

        @Test func killingSessionProcessesEndsTheClient() async throws {
            let target = try await DirectTarget.start()
            let session = try target.client.spawnSSH("sleep 60")
            #expect(await waitFor(timeout: .seconds(10)) { !target.server.sessionProcessIDs.isEmpty })
            target.server.killSessionProcesses()
            let termination = await session.waitForExit(timeout: .seconds(5))
            #expect(termination == .exited(255), "client still running or wrong status: \(String(describing: termination))")
            #expect(await target.server.waitUntilIdle(timeout: .seconds(5)))
        }

        @Test func runnerKillsTheProcessGroupOnTimeout() async throws {
            let started = ContinuousClock.now
            let result = try await ProcessRunner().run("sh", ["-c", "sleep 30 & sleep 30"], timeout: .seconds(1))
            #expect(result.timedOut)
            #expect(result.termination == .signalled(SIGKILL))
            // The backgrounded sleep shared the pipe; the group kill must have ended it too.
            #expect(ContinuousClock.now - started < .seconds(10))
        }

        @Test func resourceUsageReadsThisProcess() throws {
            let usage = try ResourceUsage.of(pid: getpid())
            #expect(usage.threads >= 1 && usage.openFileDescriptors >= 3 && usage.residentBytes > 0, "\(usage)")
        }
    }
}
