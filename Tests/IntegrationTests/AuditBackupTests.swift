import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate audit backup` while the gateway runs with sessions open, then the restore that
    /// README documents, into a fresh state directory: the manifest checks out with
    /// `sha256sum -c`, and `tracegate audit verify` passes there, recordings included.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct AuditBackupTests {
        @Test func onlineBackupRestoresIntoAFreshStateDirectoryThatVerifies() async throws {
            let fixture = try SharedGateway.current()
            for word in ["first", "second"] {
                let result = try await fixture.alice(on: "web-01").ssh("echo \(word)-recorded")
                #expect(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            }
            let running = try fixture.alice(on: "web-02").spawnSSH("echo still-running; sleep 30")
            defer { running.terminateGroup(signal: SIGKILL) }
            let started = await waitFor(timeout: .seconds(15)) {
                String(decoding: running.standardOutputSoFar, as: UTF8.self).contains("still-running")
            }
            try #require(started, "\(running.standardErrorText)\n\(fixture.gatewayLogTail)")

            let backup = fixture.directory.file("backup")
            let made = try await fixture.audit(["backup", backup])
            #expect(made.succeeded && made.stdout.hasPrefix("OK backup in \(backup): "), "\(made)")
            let manifest = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: backup + "/manifest.json"))) as? [String: Any])
            let head = try #require(manifest["audit_head"] as? String, "\(manifest)")
            let files = try #require(manifest["files"] as? [[String: Any]])
            let recordings = files.filter { ($0["path"] as? String)?.hasPrefix("recordings/") == true }
            #expect(recordings.count >= 3, "two finished sessions and the running one: \(files)")
            #expect(try await shell("cd \(backup) && sha256sum --quiet -c SHA256SUMS").succeeded)

            // The gateway goes on after the backup, and its trail moves past the copy.
            #expect(try await fixture.alice(on: "web-01").ssh("echo after-backup").succeeded)
            running.terminateGroup(signal: SIGKILL)
            _ = await fixture.gateway.stop()

            // The documented restore, into a state directory that no longer exists.
            let state = fixture.gateway.stateDirectory
            try FileManager.default.removeItem(atPath: state)
            let restore = """
                set -e
                cd \(backup) && sha256sum --quiet -c SHA256SUMS
                install -d -m 0700 \(state) \(state)/recordings
                install -m 0600 \(backup)/audit.db \(state)/audit.db
                install -m 0600 \(backup)/recordings/* \(state)/recordings/
                """
            let restored = try await shell(restore)
            try #require(restored.succeeded, "\(restored)")

            let verified = try await fixture.audit(["verify", "--expect", head])
            #expect(verified.succeeded, "\(verified)")
            #expect(verified.stdout.contains("OK recordings: 2 checked, 0 failed"), "\(verified)")
        }

        private func shell(_ script: String) async throws -> ProcessResult {
            try await ProcessRunner().run("/bin/sh", ["-c", script], timeout: .seconds(60))
        }
    }

    /// The manifest is a real check: a changed byte fails it, and a backup never mixes into an
    /// earlier one. (Its own gateway: the suite above stops its gateway to restore.)
    @Suite(.gatewayFixture(), .timeLimit(.minutes(2)))
    struct AuditBackupManifestTests {
        @Test func aChangedByteInTheBackupFailsTheManifestCheck() async throws {
            let fixture = try SharedGateway.current()
            #expect(try await fixture.alice(on: "web-01").ssh("echo tamper-me").succeeded)
            let backup = fixture.directory.file("backup-tampered")
            try await fixture.audit(["backup", backup]).checked("tracegate audit backup")
            #expect(try await shell("cd \(backup) && sha256sum --quiet -c SHA256SUMS").succeeded)
            let recording = try #require(try FileManager.default.contentsOfDirectory(atPath: backup + "/recordings").first)
            let handle = try #require(FileHandle(forUpdatingAtPath: backup + "/recordings/" + recording))
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: Data("X".utf8))
            try handle.close()
            let checked = try await shell("cd \(backup) && sha256sum --quiet -c SHA256SUMS")
            #expect(!checked.succeeded && checked.stdout.contains(recording), "\(checked)")
            // A second backup into the same directory is refused rather than mixed in.
            let again = try await fixture.audit(["backup", backup])
            #expect(again.status == 2 && again.stderr.contains("exists and is not an empty directory"), "\(again)")
        }

        private func shell(_ script: String) async throws -> ProcessResult {
            try await ProcessRunner().run("/bin/sh", ["-c", script], timeout: .seconds(60))
        }
    }
}
