import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// What an auditor later sees of an interactive session: a real `ssh -tt` through the
    /// gateway, then the recording it left. Serialized: each test finds its own session as the
    /// one that appeared while it ran.
    @Suite(.gatewayFixture(), .serialized, .timeLimit(.minutes(8)))
    struct RecordingTerminalTests {
        static let password = "hunter2-never-recorded"

        @Test func recordingShowsOutputAndResizeButNeverThePassword() async throws {
            let fixture = try SharedGateway.current()
            let before = try await RecordedSession.all(in: fixture, sealedAtLeast: 0)
            let transcript = try await InteractiveScenarios.shell(
                fixture.alice(on: "web-01"),
                InteractiveScenarios.ready + [
                    .send("echo out-$((6*7))-put\r"),
                    .expect("out-42-put"),
                    // The prompt is computed by the shell, so the echo of the typed command cannot
                    // satisfy the expect; the pause lets `read -s` turn echo off before typing.
                    .send("read -s -p \"Pass$((0+1))word: \" p; echo; echo got-${#p}\r"),
                    .expect("Pass1word: "),
                    .pause(0.5),
                    .send(Self.password + "\r"),
                    .expect("got-\(Self.password.count)"),
                ] + InteractiveScenarios.resize + InteractiveScenarios.exit(0))
            #expect(transcript.failure == nil, "\(transcript)\n\(fixture.gatewayLogTail)")

            let recording = try #require(try await RecordedSession.new(in: fixture, since: before, count: 1).first)
            let raw = try recording.contents()
            #expect(!raw.contains(Self.password))
            #expect(raw.contains("input hidden"))
            #expect(raw.contains(#""r", "120x40""#) || raw.contains(#""r","120x40""#), "no resize event in \(raw.suffix(2_000))")

            // asciinema opens /dev/tty, so it runs under script(1) with a pty of its own; the
            // install ID keeps it from writing ~/.config (see RecordingTests' ExternalTools).
            let asciinema = try await ProcessRunner().run(
                "script", ["-qec", "ASCIINEMA_INSTALL_ID=tracegate-tests asciinema cat \(ShellQuoting.quote(recording.path))", "/dev/null"])
            #expect(asciinema.succeeded, "\(asciinema)")

            let text = try await fixture.gateway.run(["replay", recording.path, "--cat"]).checked().stdout
            #expect(text.contains("out-42-put"), "\(text)")
            #expect(text.contains("got-\(Self.password.count)"), "\(text)")
            #expect(!text.contains(Self.password), "\(text)")
        }

        @Test func replayFindsTheSessionThroughTheAuditTrail() async throws {
            let fixture = try SharedGateway.current()
            let before = try await RecordedSession.all(in: fixture, sealedAtLeast: 0)
            _ = try await fixture.alice(on: "web-01").ssh("echo replay-$((5*5))-me").checked()
            let recording = try #require(try await RecordedSession.new(in: fixture, since: before, count: 1).first)
            let text = try await fixture.gateway.run(["replay", recording.sessionID, "--cat"]).checked().stdout
            #expect(text.contains("replay-25-me"), "\(text)")
        }
    }
}
