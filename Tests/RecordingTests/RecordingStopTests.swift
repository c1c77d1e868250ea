import Foundation
import Recording
import Synchronization
import Testing

/// What the gateway learns when a recording stops before its session: the cap and write
/// failures are reported once, and a session's end never waits on a hung disk for ever.
@Suite("Recording stops and finish deadlines")
struct RecordingStopTests {
    static let line = String(repeating: "0123456789abcdef", count: 4) + "\r\n"

    @Test func theSizeCapIsReportedOnceWithTheBytesRecorded() throws {
        let directory = TemporaryDirectory()
        let stops = Mutex<[RecordingStop]>([])
        let limits = RecordingLimits(maxSessionBytes: 64 << 10)
        let recorder = try RecordingFixtures.startTerminal(in: directory, limits: limits, onStop: { stop in
            stops.withLock { $0.append(stop) }
        })
        for _ in 0..<(1 << 20) / Self.line.utf8.count { recorder.output(Self.line) }
        let summary = try #require(recorder.finish(exitStatus: 0))
        let reported = stops.withLock { $0 }
        #expect(reported.count == 1, "\(reported)")
        guard case .sizeCap(let bytes)? = reported.first else {
            Issue.record("expected a size cap stop, got \(reported)")
            return
        }
        #expect(bytes <= limits.maxSessionBytes && bytes > limits.maxSessionBytes - 200)
        #expect(summary.truncated)
    }

    @Test func aRecordingUnderItsCapReportsNothing() throws {
        let directory = TemporaryDirectory()
        let stops = Mutex(0)
        let recorder = try RecordingFixtures.startTerminal(in: directory, onStop: { _ in stops.withLock { $0 += 1 } })
        for _ in 0..<100 { recorder.output(Self.line) }
        _ = try #require(recorder.finish(exitStatus: 0))
        #expect(stops.withLock { $0 } == 0)
    }

    @Test func finishingGivesUpOnAHungDiskAndTheFileIsStillClosedLater() throws {
        let directory = TemporaryDirectory()
        // One drained batch takes 2 s: a disk that hangs far longer than the deadline below.
        let hungDisk = RecordingWriterThread(name: "hung-disk", simulatedWriteDelay: 2)
        defer { hungDisk.stop() }
        let recorder = try RecordingFixtures.startTerminal(in: directory, writerThread: hungDisk)
        recorder.output("first batch\r\n")
        // Let the writer take the first batch: it is then inside its 2 s "write".
        Thread.sleep(forTimeInterval: 0.5)
        let started = ContinuousClock.now
        let finish = recorder.finish(exitStatus: 0, waitingAtMost: .milliseconds(300))
        let waited = ContinuousClock.now - started
        #expect(finish == .timedOut)
        #expect(waited < .seconds(1), "waited \(waited)")
        #expect(recorder.finish(exitStatus: 0, waitingAtMost: .seconds(1)) == .alreadyFinished)
        // The writer gets there in the end: the file is complete once the disk answers.
        let deadline = ContinuousClock.now + .seconds(10)
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? RecordingFixtures.fileText(recorder.path)) ?? ""
            if text.contains("session ended") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(text.contains("session ended (exit status 0)"), "\(text)")
    }
}
