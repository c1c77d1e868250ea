import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The `recording:` bounds of the configuration, end to end: a real session far larger than
    /// the cap, the engineer's bytes compared with a direct connection, the file and the trail
    /// compared with what the bounds promise. Small caps keep the test fast and independent of
    /// how fast the recorder's disk is: 200 MiB of output meet a 4 MiB cap long before the end.
    @Suite(.gatewayFixture { $0.recording = [("max_session_size", "4MiB"), ("max_exec_output", "64KiB")] },
           .serialized, .timeLimit(.minutes(8)))
    struct RecordingBoundsTests {
        static let sessionCap = 4 << 20

        @Test func aTerminalSessionPast200MiBStopsBeingRecordedAtTheCapAndCompletesByteExact() async throws {
            let fixture = try SharedGateway.current()
            let before = try await RecordedSession.all(in: fixture, sealedAtLeast: 0)
            let mark = try await fixture.auditDatabase.lastEventID()
            let directory = try TemporaryDirectory(prefix: "tracegate-cap")
            // Deterministic, varied text of about 205 MB (230 MB once the pty turns "\n" into "\r\n").
            let command = "seq 1 24000000"
            let through = directory.file("through")
            let gatewayRun = try await fixture.alice(on: "web-01").ssh(
                command, options: ["-tt"], output: .file(through), timeout: .seconds(300))
            #expect(gatewayRun.succeeded, "\(gatewayRun)\n\(fixture.gatewayLogTail)")
            let direct = directory.file("direct")
            let directRun = try await fixture.direct(to: "web-01").ssh(
                command, options: ["-tt"], output: .file(direct), timeout: .seconds(300))
            #expect(directRun.succeeded, "\(directRun)")
            let throughSize = try FileManager.default.attributesOfItem(atPath: through)[.size] as? Int ?? 0
            #expect(throughSize > 200 << 20, "only \(throughSize) bytes came through")
            let throughDigest = try await FileDigest.sha256(through)
            let directDigest = try await FileDigest.sha256(direct)
            #expect(throughDigest == directDigest)

            let recording = try #require(try await RecordedSession.new(in: fixture, since: before, count: 1).first)
            let recorded = try FileManager.default.attributesOfItem(atPath: recording.path)[.size] as? Int ?? 0
            #expect(recorded <= Self.sessionCap + 4_096 && recorded > Self.sessionCap - (256 << 10),
                    "recording is \(recorded) bytes")
            let tail = try String(decoding: FileHandle(forReadingFrom: URL(fileURLWithPath: recording.path))
                .readToEnd()?.suffix(4_096) ?? Data(), as: UTF8.self)
            #expect(tail.contains("recording truncated at"), "\(tail)")

            let stops = try await fixture.auditDatabase.query(
                "SELECT session_id, result, json_extract(details, '$.cause') AS cause, "
                    + "json_extract(details, '$.recording_size') AS size FROM events "
                    + "WHERE kind = 'recording.stop' AND id > \(mark)")
            #expect(stops.count == 1, "\(stops.map(\.values))")
            #expect(stops.first?["session_id"] == recording.sessionID)
            #expect(stops.first?["cause"] == "size_cap")
            #expect((stops.first?.int("size") ?? 0) <= Self.sessionCap)
        }

        @Test func anExecSessionKeepsItsConfiguredShareOfOutputAndCountsTheRest() async throws {
            let fixture = try SharedGateway.current()
            let before = try await RecordedSession.all(in: fixture, sealedAtLeast: 0)
            let result = try await fixture.alice(on: "web-01").ssh("head -c 300000 /dev/zero | tr '\\0' y").checked()
            #expect(result.stdout.utf8.count == 300_000)
            let recording = try #require(try await RecordedSession.new(in: fixture, since: before, count: 1).first)
            let raw = try recording.contents()
            #expect(raw.contains("truncated: 65536 of 300000 bytes of output recorded"), "\(raw.suffix(500))")
            let recorded = try FileManager.default.attributesOfItem(atPath: recording.path)[.size] as? Int ?? 0
            #expect(recorded < 80_000, "recording is \(recorded) bytes")
        }
    }

    /// `recording.min_free_space` above what the disk has: no session may start, because it
    /// could not be recorded; the engineer is told why.
    @Suite(.gatewayFixture { $0.recording = [("min_free_space", "900000TiB")] }, .timeLimit(.minutes(4)))
    struct RecordingFreeSpaceFloorTests {
        @Test func aSessionIsRefusedWhenTheStateDiskIsBelowTheFloor() async throws {
            let fixture = try SharedGateway.current()
            let result = try await fixture.alice(on: "web-01").ssh("echo should-not-run")
            #expect(!result.succeeded)
            #expect(!result.stdout.contains("should-not-run"))
            #expect(result.stderr.contains("the recordings disk is full"), "\(result)")
        }
    }
}
