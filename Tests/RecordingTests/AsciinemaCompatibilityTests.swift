import Foundation
import Recording
import Testing

/// Auditors replay recordings with asciinema too; every kind of event the recorder
/// writes, markers included, must be accepted by it.
@Suite("asciinema accepts recordings", .enabled(if: ExternalTools.hasAsciinema))
struct AsciinemaCompatibilityTests {
    @Test func asciinemaCatPrintsTheOutputAndSkipsMarkersAndInput() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        recorder.output("$ ")
        recorder.typeEchoed("echo \"ünïcode\"\r")
        recorder.output("ünïcode \u{1B}[31mred\u{1B}[0m\r\n")
        recorder.resize(columns: 90, rows: 30)
        recorder.output("Password: ")
        recorder.input("hunter2\r")
        recorder.output("\r\n$ ")
        let summary = try #require(recorder.finish(exitStatus: 0))

        let result = try ExternalTools.asciinemaCat(summary.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ünïcode \u{1B}[31mred"))
        #expect(!result.output.contains("hunter2"))
        #expect(!result.output.contains("input hidden"), "markers are not terminal output")
    }

    @Test func asciinemaRejectsABrokenFileSoTheCheckMeansSomething() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/broken.cast"
        try Data("{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"\\u00\"]\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect(try ExternalTools.asciinemaCat(path).status != 0)
    }
}
