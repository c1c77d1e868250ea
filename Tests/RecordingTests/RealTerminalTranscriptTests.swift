import Recording
import Testing

/// The echo heuristic against bytes a real bash sent through a real pty.
@Suite("Recording a real bash session")
struct RealTerminalTranscriptTests {
    @Test func typedCommandsAreRecordedAndPasswordsAreNot() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        for (direction, chunk) in BashTranscript.exchange {
            switch direction {
            case .typed: recorder.input(chunk)
            case .shown: recorder.output(chunk)
            }
        }
        let summary = try #require(recorder.finish(exitStatus: 0))

        let contents = try RecordingFixtures.fileText(summary.path)
        for secret in BashTranscript.secrets {
            #expect(!contents.contains(secret), "\(secret) leaked")
        }
        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.joined(.input) == [
            "echo hello\r",
            "read -s -p 'Password: ' pw; echo; echo got ${#pw}\r",
            "lsx\u{7F} -d /tmp\r",
            "echo abc\u{1B}[D\u{1B}[DX\r",
            "sleep 5\r",
            "\u{3}",
            "stty -echo; cat > /dev/null\r",
            "echo done\r",
            "exit\r",
        ].joined())
        // One marker for the `read -s` password, one for the stretch under `stty -echo`
        // (the unechoed secret and the unechoed `stty echo` that ends it).
        #expect(recording.markers == [
            "input hidden (terminal echo off)", "input hidden (terminal echo off)", "session ended (exit status 0)",
        ])

        var extractor = TerminalTextExtractor()
        for event in recording.events(.output) { extractor.feed(event.data) }
        #expect(extractor.lines.contains("$ echo aXbc"))
        #expect(extractor.lines.contains("got 7"))
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }
}
