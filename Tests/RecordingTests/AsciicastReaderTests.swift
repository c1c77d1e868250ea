import Foundation
import Recording
import Testing

@Suite("AsciicastReader")
struct AsciicastReaderTests {
    @Test func aRecordingReadsBackAsWritten() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        recorder.output("\u{1B}[1mbold\u{1B}[0m \"quoted\" back\\slash\ttab\r\n")
        recorder.typeEchoed("é\r")
        recorder.resize(columns: 100, rows: 50)
        let summary = try #require(recorder.finish(exitStatus: 7))

        let recording = try AsciicastReader.read(path: summary.path)
        #expect(recording.header == AsciicastHeader(width: 80, height: 24, timestamp: recording.header.timestamp,
                                                    term: "xterm-256color", title: "alice@web-01"))
        #expect(recording.events.map(\.kind) == [.output, .input, .output, .input, .output, .resize, .marker])
        #expect(recording.events.map(\.data) == [
            "\u{1B}[1mbold\u{1B}[0m \"quoted\" back\\slash\ttab\r\n", "é", "é", "\r", "\r\n", "100x50",
            "session ended (exit status 7)",
        ])

        // Writing what was read gives back the same bytes.
        var rewritten = recording.header.encodedLine
        for event in recording.events { event.encode(into: &rewritten) }
        #expect(rewritten == Array(try Data(contentsOf: URL(fileURLWithPath: summary.path))))
    }

    @Test func linesSplitAcrossChunksAreParsedWhenComplete() throws {
        let text = "{\"version\": 2, \"width\": 10, \"height\": 5}\n[0.5, \"o\", \"ab\"]\n[1.0, \"m\", \"note\"]\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var reader = AsciicastReader(source: "test")
            var events = try reader.feed(bytes[..<split])
            events += try reader.feed(bytes[split...])
            #expect(events == [AsciicastEvent(time: 0.5, kind: .output, data: "ab"),
                               AsciicastEvent(time: 1.0, kind: .marker, data: "note")], "split at \(split)")
            #expect(reader.header?.width == 10)
        }
    }

    @Test func unknownEventCodesAreSkippedAndALastLineWithoutNewlineCounts() throws {
        var reader = AsciicastReader(source: "test")
        let events = try reader.feed(Array("{\"version\": 2, \"width\": 1, \"height\": 1}\n[1, \"x\", \"?\"]\n[2, \"o\", \"z\"]".utf8))
        #expect(events.isEmpty)
        #expect(try reader.finish() == [AsciicastEvent(time: 2, kind: .output, data: "z")])
    }

    @Test(arguments: [
        "{\"version\": 1, \"width\": 80, \"height\": 24}\n",
        "not json\n",
        "{\"version\": 2, \"width\": 80, \"height\": 24}\n[1, \"o\"]\n",
        "{\"version\": 2, \"width\": 80, \"height\": 24}\n{\"x\": 1}\n",
    ])
    func filesThatAreNotAsciicastV2AreRejectedWithTheirLine(text: String) {
        var reader = AsciicastReader(source: "bad.cast")
        #expect(throws: RecordingError.self) {
            _ = try reader.feed(Array(text.utf8))
            _ = try reader.finish()
        }
    }

    @Test func aFollowerSeesEventsAsTheyAreWrittenAndTheEnd() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        let follower = try AsciicastFollower(path: recorder.path)
        recorder.output("one\r\n")
        var seen: [AsciicastEvent] = []
        let deadline = Date().addingTimeInterval(10)
        while seen.isEmpty && Date() < deadline {
            seen += try follower.readAvailable()
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(follower.header?.title == "alice@web-01")
        #expect(seen.map(\.data) == ["one\r\n"])
        #expect(!follower.sessionEnded)
        #expect(follower.secondsSinceModification() < 60)

        recorder.output("two\r\n")
        _ = recorder.finish(exitStatus: 0)
        seen += try follower.readAvailable()
        #expect(seen.map(\.data) == ["one\r\n", "two\r\n", "session ended (exit status 0)"])
        #expect(follower.sessionEnded)
        #expect(try follower.readAvailable().isEmpty)
    }
}

@Suite("RecordingLocator")
struct RecordingLocatorTests {
    @Test func aPathIsUsedAsIs() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        _ = recorder.finish(exitStatus: 0)
        #expect(try RecordingLocator.resolve(recorder.path, recordingsDirectory: "/nonexistent") == recorder.path)
    }

    @Test func aSessionIdIsFoundByFileName() throws {
        let directory = TemporaryDirectory()
        for session in ["s-000000000001", "s-000000000002"] {
            _ = try RecordingFixtures.startTerminal(in: directory, session: session).finish(exitStatus: 0)
        }
        #expect(try RecordingLocator.resolve("s-000000000002", recordingsDirectory: directory.recordings)
            == directory.recordings + "/c-00000000000a-s-000000000002.cast")
        #expect(try RecordingLocator.resolve("c-00000000000a-s-000000000001.cast", recordingsDirectory: directory.recordings)
            == directory.recordings + "/c-00000000000a-s-000000000001.cast")
        #expect(throws: RecordingError.ambiguousRecording("c-00000000000a", matches: [
            "c-00000000000a-s-000000000001.cast", "c-00000000000a-s-000000000002.cast",
        ])) {
            try RecordingLocator.resolve("c-00000000000a", recordingsDirectory: directory.recordings)
        }
        #expect(throws: RecordingError.recordingNotFound("s-999999999999", directory: directory.recordings)) {
            try RecordingLocator.resolve("s-999999999999", recordingsDirectory: directory.recordings)
        }
    }

    @Test func recordingsLiveUnderTheStateDirectory() {
        #expect(RecordingLocator.recordingsDirectory(stateDirectory: "var") == "var/recordings")
        #expect(RecordingLocator.fileName(connectionID: "c-1", sessionID: "s-2") == "c-1-s-2.cast")
    }
}
