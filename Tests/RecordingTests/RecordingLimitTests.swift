import Foundation
import Recording
import Testing

@Suite("Recording limits")
struct RecordingLimitTests {
    static let line = String(repeating: "0123456789abcdef", count: 4) + "\r\n"

    @Test func theSessionCapStopsTheFileWithAMarkerWhileTheSessionGoesOn() throws {
        let directory = TemporaryDirectory()
        let limits = RecordingLimits(maxSessionBytes: 64 << 10)
        let recorder = try RecordingFixtures.startTerminal(in: directory, limits: limits)
        var fed = 0
        while fed < 1 << 20 {
            recorder.output(Self.line)
            fed += Self.line.utf8.count
        }
        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(summary.truncated)
        #expect(recorder.isTruncated)
        let recording = try RecordingFixtures.read(summary.path)
        let truncation = try #require(recording.markers.first)
        #expect(truncation.hasPrefix("recording truncated at "))
        let cutAt = try #require(Int(truncation.dropFirst("recording truncated at ".count).prefix { $0.isNumber }))
        #expect(cutAt <= limits.maxSessionBytes)
        #expect(recording.markers.last == "session ended (exit status 0)")
        #expect(summary.size <= limits.maxSessionBytes + 200, "only the closing markers may pass the cap")
        #expect(summary.size > limits.maxSessionBytes - 200)
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    /// One read of the relay can hold a whole channel window: written as bounded events, the
    /// cap still stops the file within one such event of it.
    @Test func aHugeReadStillStopsTheFileWithinOneEventOfTheCap() throws {
        let directory = TemporaryDirectory()
        let limits = RecordingLimits(maxSessionBytes: 1 << 20)
        let recorder = try RecordingFixtures.startTerminal(in: directory, limits: limits)
        let read = [UInt8](String(repeating: Self.line, count: 12_000).utf8)  // 792 KB in one read
        recorder.outputBytes(read)
        recorder.outputBytes(read)
        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(summary.truncated)
        // A 32 KiB event of this text takes about 35 KB once JSON-escaped.
        #expect(summary.size > limits.maxSessionBytes - 40_000, "\(summary.size)")
        #expect(summary.size <= limits.maxSessionBytes + 200)
        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.events.filter { $0.kind == .output }.allSatisfy { $0.data.utf8.count <= 32 * 1024 })
    }

    @Test func execOutputIsCappedAndTheTotalIsRecorded() throws {
        let directory = TemporaryDirectory()
        let limits = RecordingLimits(maxExecCaptureBytes: 1 << 20)
        let recorder = try SessionRecorder.startExecCapture(
            directory: directory.recordings, connectionID: "c-2", sessionID: "s-2",
            command: "find / -xdev", title: "bob@db-01", limits: limits)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 32 << 10)
        for _ in 0..<96 { recorder.outputBytes(chunk) }  // 3 MiB
        recorder.input("piped stdin is never recorded")
        recorder.resize(columns: 100, rows: 30)
        let summary = try #require(recorder.finish(exitStatus: 1))
        #expect(summary.truncated)

        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.header.command == "find / -xdev")
        #expect(recording.header.title == "bob@db-01")
        #expect(recording.joined(.output).utf8.count == 1 << 20)
        #expect(recording.events(.input).isEmpty)
        #expect(recording.events(.resize).isEmpty)
        #expect(recording.markers == [
            "output truncated at 1048576 bytes",
            "truncated: 1048576 of 3145728 bytes of output recorded",
            "session ended (exit status 1)",
        ])
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    @Test func execOutputUnderTheCapIsKeptWhole() throws {
        let directory = TemporaryDirectory()
        let recorder = try SessionRecorder.startExecCapture(
            directory: directory.recordings, connectionID: "c-3", sessionID: "s-3",
            command: "systemctl status nginx", title: "deploy@web-01", limits: RecordingLimits())
        recorder.output("● nginx.service - A high performance web server\n")
        recorder.output("error: something on stderr\n")
        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(!summary.truncated)
        let recording = try RecordingFixtures.read(summary.path)
        #expect(recording.joined(.output) == "● nginx.service - A high performance web server\nerror: something on stderr\n")
        #expect(recording.markers == ["session ended (exit status 0)"])
    }

    @Test func execOutputOfExactlyTheCapIsNotMarkedTruncated() throws {
        let directory = TemporaryDirectory()
        let recorder = try SessionRecorder.startExecCapture(
            directory: directory.recordings, connectionID: "c-4", sessionID: "s-4", command: "head -c 1000",
            title: "a@b", limits: RecordingLimits(maxExecCaptureBytes: 1000))
        recorder.outputBytes([UInt8](repeating: UInt8(ascii: "y"), count: 1000))
        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(!summary.truncated)
        #expect(try RecordingFixtures.read(summary.path).markers == ["session ended (exit status 0)"])
    }
}

@Suite("A slow disk never slows the relay", .serialized)
struct SlowWriterTests {
    /// 200 MiB through a recorder whose writer behaves like a very slow disk: the relay's
    /// calls stay fast, queued memory stays under the bound, and the loss is marked.
    @Test func twoHundredMebibytesAreHandedOverQuicklyWithBoundedMemory() throws {
        let directory = TemporaryDirectory()
        let slowDisk = RecordingWriterThread(name: "slow-disk", simulatedWriteDelay: 0.05)
        defer { slowDisk.stop() }
        let limits = RecordingLimits()
        let recorder = try RecordingFixtures.startTerminal(in: directory, limits: limits, writerThread: slowDisk)
        let chunk = Array(String(repeating: "build output line with some text in it\r\n", count: 820).utf8)
        let total = 200 << 20
        let started = Date()
        var slowestCall = 0.0
        var fed = 0
        while fed < total {
            let callStart = Date()
            recorder.outputBytes(chunk)
            slowestCall = max(slowestCall, Date().timeIntervalSince(callStart))
            fed += chunk.count
        }
        let feeding = Date().timeIntervalSince(started)
        #expect(feeding < 3, "feeding 200 MiB took \(feeding) s")
        #expect(slowestCall < 0.5, "one output call took \(slowestCall) s")

        let statistics = recorder.statistics
        #expect(statistics.pendingHighWaterBytes <= limits.maxPendingBytes)
        #expect(statistics.droppedBytes > 0)

        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(summary.droppedBytes == statistics.droppedBytes)
        let recording = try RecordingFixtures.read(summary.path)
        let gaps = recording.markers.filter { $0.hasPrefix("recording gap: ") }
        #expect(!gaps.isEmpty)
        let droppedInMarkers = gaps.compactMap { Int($0.dropFirst("recording gap: ".count).prefix { $0.isNumber }) }
            .reduce(0, +)
        #expect(droppedInMarkers == summary.droppedBytes)
        if !summary.truncated {
            #expect(recording.joined(.output).utf8.count + summary.droppedBytes == fed)
        }
        #expect(try ExternalTools.asciinemaCatIfAvailable(summary.path))
    }

    /// With the default pending bound and a 1 MiB cap, 200 MiB costs the relay almost
    /// nothing once the cap is reached: it stops even copying.
    @Test func afterTheCapTheRelayStopsCopying() throws {
        let directory = TemporaryDirectory()
        let limits = RecordingLimits(maxSessionBytes: 1 << 20)
        let recorder = try RecordingFixtures.startTerminal(in: directory, limits: limits)
        let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 64 << 10)
        recorder.outputBytes(chunk)
        let deadline = Date().addingTimeInterval(10)
        var fed = chunk.count
        while !recorder.isTruncated && Date() < deadline {
            recorder.outputBytes(chunk)
            fed += chunk.count
        }
        #expect(recorder.isTruncated)
        let started = Date()
        while fed < 200 << 20 {
            recorder.outputBytes(chunk)
            fed += chunk.count
        }
        #expect(Date().timeIntervalSince(started) < 1)
        let summary = try #require(recorder.finish(exitStatus: 0))
        #expect(summary.truncated)
        #expect(summary.size < (1 << 20) + 200)
    }
}
