import Testing
import TestSupport

extension IntegrationSuite {
    /// `ssh -tt` through the gateway on a real pty: what an engineer at a terminal does.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct InteractiveShellTests {
        private func shell(_ steps: [TerminalStep]) async throws -> (TerminalTranscript, GatewayFixture) {
            let fixture = try SharedGateway.current()
            let transcript = try await InteractiveScenarios.shell(fixture.alice(on: "web-01"), InteractiveScenarios.ready + steps)
            return (transcript, fixture)
        }

        @Test func typedInputIsEchoedAndRun() async throws {
            let (transcript, fixture) = try await shell(InteractiveScenarios.echo + InteractiveScenarios.exit(0))
            #expect(transcript.failure == nil, "\(transcript)\n\(fixture.gatewayLogTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")
        }

        @Test func remotePtyHasTheLocalTerminalSize() async throws {
            let (transcript, fixture) = try await shell(
                InteractiveScenarios.size(rows: InteractiveScenarios.initialRows, columns: InteractiveScenarios.initialColumns)
                    + InteractiveScenarios.exit(0)
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(fixture.gatewayLogTail)")
        }

        @Test func resizingTheLocalTerminalResizesTheRemotePty() async throws {
            let (transcript, fixture) = try await shell(InteractiveScenarios.resize + InteractiveScenarios.exit(0))
            #expect(transcript.failure == nil, "\(transcript)\n\(fixture.gatewayLogTail)")
        }

        @Test func ctrlCInterruptsARunningCommandPromptly() async throws {
            let (transcript, fixture) = try await shell(InteractiveScenarios.interrupt + InteractiveScenarios.exit(0))
            #expect(transcript.failure == nil, "\(transcript)\n\(fixture.gatewayLogTail)")
            #expect(!transcript.output.contains(InteractiveScenarios.interruptedMarker), "\(transcript)")
        }

        @Test func exitStatusOfTheShellBecomesTheExitStatusOfSsh() async throws {
            let (transcript, fixture) = try await shell(InteractiveScenarios.exit(7))
            #expect(transcript.termination == .exited(7), "\(transcript)\n\(fixture.gatewayLogTail)")
        }
    }
}
