import Foundation
import Glibc
import Recording
import Testing

@Suite("SessionRecorder: terminal sessions")
struct SessionRecorderTests {
    @Test func aTerminalSessionBecomesAnAsciicastFileNamedByItsIds() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        #expect(recorder.path == directory.recordings + "/c-00000000000a-s-000000000001.cast")
        recorder.output("Welcome to web-01\r\n$ ")
        recorder.typeEchoed("echo hi\r")
        recorder.output("hi\r\n$ ")
        let summary = try #require(recorder.finish(exitStatus: 0))

        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.header.width == 80)
        #expect(recording.header.height == 24)
        #expect(recording.header.term == "xterm-256color")
        #expect(recording.header.title == "alice@web-01")
        let timestamp = try #require(recording.header.timestamp)
        #expect(abs(timestamp - Int(Date().timeIntervalSince1970)) < 60)
        #expect(recording.joined(.output) == "Welcome to web-01\r\n$ echo hi\r\nhi\r\n$ ")
        #expect(recording.joined(.input) == "echo hi\r")
        #expect(recording.markers == ["session ended (exit status 0)"])
        #expect(summary.truncated == false)
        #expect(summary.droppedBytes == 0)
        #expect(summary.writeError == nil)
        let times = recording.events.map(\.time)
        #expect(times == times.sorted(), "event times never go backwards")
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    @Test func aPasswordTypedWithEchoOffNeverReachesTheFile() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        recorder.output("$ ")
        recorder.typeEchoed("sudo -k id\r")
        recorder.output("[sudo] password for alice: ")
        for character in "hunter2" { recorder.input(String(character)) }
        recorder.input("\r")
        recorder.output("\r\nSorry, try again.\r\n[sudo] password for alice: ")
        recorder.input("S3cret!pw\r")
        recorder.output("\r\nuid=0(root) gid=0(root) groups=0(root)\r\n$ ")
        recorder.typeEchoed("ls\r")
        recorder.output("notes.txt\r\n$ ")
        let summary = try #require(recorder.finish(exitStatus: 0))

        let contents = try RecordingFixtures.fileText(summary.path)
        for secret in ["hunter2", "hunter", "S3cret", "cret!pw", "unter"] {
            #expect(!contents.contains(secret), "\(secret) leaked")
        }
        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.joined(.input) == "sudo -k id\rls\r")
        #expect(recording.markers == ["input hidden (terminal echo off)", "session ended (exit status 0)"])
        #expect(recording.joined(.output).contains("uid=0(root)"))
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    @Test func resizesAreRecordedAsColumnsByRows() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        recorder.output("before\r\n")
        recorder.resize(columns: 132, rows: 43)
        recorder.output("after\r\n")
        recorder.resize(columns: 0, rows: 10)  // nonsense sizes are ignored
        let summary = try #require(recorder.finish(exitStatus: nil))
        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.events.map(\.kind) == [.output, .resize, .output, .marker])
        #expect(recording.events(.resize).map(\.data) == ["132x43"])
        #expect(recording.markers == ["session ended"])
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    @Test func outputSplitInsideCharactersIsStillValidText() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        let text = "crème brûlée 中文 🙂\r\n"
        for byte in text.utf8 { recorder.outputBytes([byte]) }
        recorder.outputBytes([0x61, 0xFF, 0x62])
        recorder.outputBytes([0xE2, 0x82])  // cut short by the end of the session
        let summary = try #require(recorder.finish(exitStatus: 0))
        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.joined(.output) == text + "a\u{FFFD}b\u{FFFD}")
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    @Test func modesAreOwnerOnly() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(try mode(of: directory.recordings) == 0o700)
        #expect(try mode(of: directory.path + "/state") == 0o700)
        #expect(try mode(of: summary.path) == 0o600)
    }

    @Test func anExistingDirectoryIsTightenedTo0700() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.recordings, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        _ = recorder.finish(exitStatus: 0)
        #expect(try mode(of: directory.recordings) == 0o700)
    }

    @Test func anExistingFileOrSymlinkIsNeverOverwrittenOrFollowed() throws {
        let directory = TemporaryDirectory()
        let first = try RecordingFixtures.startTerminal(in: directory)
        _ = first.finish(exitStatus: 0)
        #expect(throws: RecordingError.self) { try RecordingFixtures.startTerminal(in: directory) }

        let target = directory.path + "/elsewhere"
        #expect(symlink(target, directory.recordings + "/c-00000000000a-s-000000000002.cast") == 0)
        #expect(throws: RecordingError.self) {
            try RecordingFixtures.startTerminal(in: directory, session: "s-000000000002")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func aSymlinkedRecordingsDirectoryIsRefused() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/state/real", withIntermediateDirectories: true)
        #expect(symlink(directory.path + "/state/real", directory.recordings) == 0)
        #expect(throws: RecordingError.self) { try RecordingFixtures.startTerminal(in: directory) }
    }

    @Test(arguments: ["../escape", "a/b", ".hidden", "", "s-1 2"])
    func identifiersThatCouldNameAnotherPathAreRefused(identifier: String) {
        let directory = TemporaryDirectory()
        #expect(throws: RecordingError.invalidIdentifier(identifier)) {
            try RecordingFixtures.startTerminal(in: directory, session: identifier)
        }
    }

    @Test func theSummaryHashMatchesSha256sum() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        for index in 0..<2000 { recorder.output("line \(index) \u{1B}[1mbold\u{1B}[0m é\r\n") }
        let summary = try #require(recorder.finish(exitStatus: 3))
        #expect(summary.sha256 == (try ExternalTools.sha256sum(summary.path)))
        #expect(summary.sha256 == (try RecordingFile.sha256(ofFileAt: summary.path)))
        #expect(summary.size == (try FileManager.default.attributesOfItem(atPath: summary.path)[.size] as? Int))
        #expect(summary.sha256.count == 64)
    }

    @Test func finishingTwiceReturnsNothingTheSecondTime() throws {
        let directory = TemporaryDirectory()
        let recorder = try RecordingFixtures.startTerminal(in: directory)
        #expect(recorder.finish(exitStatus: 0) != nil)
        #expect(recorder.finish(exitStatus: 0) == nil)
        recorder.output("late")  // ignored, must not crash
    }

    @Test func aRecorderDroppedWithoutFinishStillClosesItsFile() throws {
        let directory = TemporaryDirectory()
        var path = ""
        do {
            let recorder = try RecordingFixtures.startTerminal(in: directory)
            path = recorder.path
            recorder.output("abandoned\r\n")
        }
        // The writer thread closes it soon after; wait for the closing marker.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? RecordingFixtures.fileText(path))?.contains("session ended") == true { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let recording = try RecordingFixtures.read(path)
        #expect(recording.joined(.output) == "abandoned\r\n")
        #expect(recording.markers == ["session ended"])
    }

    @Test func completedLinesReachASearchIndexerAsTheSessionRuns() throws {
        let directory = TemporaryDirectory()
        let collected = LineCollector()
        let recorder = try SessionRecorder.startTerminal(
            directory: directory.recordings, connectionID: "c-1", sessionID: "s-1", width: 80, height: 24,
            term: "xterm", title: "a@b", limits: RecordingLimits(), onTextLines: { collected.append($0) })
        recorder.output("$ \u{1B}[32mrm -rf /var/lib/db\u{1B}[0m\r\n")
        recorder.output("progress  10%\rprogress 100%\r\n$ ")
        _ = recorder.finish(exitStatus: 0)
        #expect(collected.lines == ["$ rm -rf /var/lib/db", "progress 100%", "$"])
    }

    @Test func freeBytesReportsTheFilesystemOfAPath() {
        let free = RecordingFile.freeBytes(atPath: "/tmp")
        #expect(free != nil)
        #expect((free ?? 0) > 0)
        #expect(RecordingFile.freeBytes(atPath: "/nonexistent/path") == nil)
    }

    private func mode(of path: String) throws -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw RecordingError.cannotRead(path: path, reason: "lstat") }
        return Int(info.st_mode & 0o7777)
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ lines: [String]) {
        lock.lock()
        stored += lines
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
