import Foundation
import Testing
import TestSupport

/// Debian's python3-paramiko for /usr/bin/python3 (scripts/test.sh installs it).
private let paramikoInstalled: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", "import paramiko"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// The file-transfer ledger seen from the trail: real sftp, scp (SFTP and legacy), rsync and
/// paramiko through the gateway, each row checked against `sha256sum` of both copies.
extension IntegrationSuite {
    @Suite(.gatewayFixture {
        // Debian 12's paramiko (2.12) has no AES-GCM (see HostileClientTests).
        $0.configurationLines = ["algorithms: {ciphers: [aes256-gcm@openssh.com, aes128-gcm@openssh.com, aes128-ctr]}"]
    }, .serialized, .timeLimit(.minutes(4)))
    struct FileLedgerTransferTests {
        /// The ledger rows of the one connection `action` makes, oldest first.
        private func ledger(_ fixture: GatewayFixture, _ action: () async throws -> ProcessResult) async throws
            -> (result: ProcessResult, rows: [AuditRow], connection: String) {
            let observed = try await fixture.observeConnection(action)
            let connection = try #require(observed.connection["connection_id"])
            let rows = try await fixture.auditDatabase.query(
                "SELECT * FROM file_transfers WHERE connection_id = \(AuditTrailDatabase.literal(connection)) ORDER BY event_id")
            return (observed.result, rows, connection)
        }

        @Test func sftpBatchLeavesOneRowPerFileAndChangeWithTheContentsHash() async throws {
            let fixture = try SharedGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-ledger-sftp")
            let remote = try workspace.subdirectory("remote")
            let original = workspace.file("original.bin")
            try RandomFile.write(original, byteCount: 700 * 1024 + 13)
            let digest = try await FileDigest.sha256(original)
            // reget resumes from what the local copy already holds: its first 100 000 bytes.
            let partial = workspace.file("partial.bin")
            try Data(try Data(contentsOf: URL(fileURLWithPath: original)).prefix(100_000)).write(to: URL(fileURLWithPath: partial))
            let batch = """
                put \(original) \(remote)/a.bin
                rename \(remote)/a.bin \(remote)/b.bin
                get \(remote)/b.bin \(workspace.path)/fetched.bin
                chmod 600 \(remote)/b.bin
                reget \(remote)/b.bin \(partial)
                mkdir \(remote)/made
                ls -1 \(remote)
                put \(original) \(remote)/c.bin
                rm \(remote)/c.bin

                """
            let (result, all, _) = try await ledger(fixture) { try await fixture.alice(on: "web-01").sftp(batch: batch) }
            _ = all
            try #require(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            #expect(try await FileDigest.sha256(remote + "/b.bin") == digest)
            #expect(try await FileDigest.sha256(workspace.path + "/fetched.bin") == digest)
            #expect(try await FileDigest.sha256(partial) == digest)
            let size = "\(700 * 1024 + 13)"
            func rows(_ operation: String, _ path: String) -> [AuditRow] {
                all.filter { $0["operation"] == operation && $0["path"] == path }
            }
            let upload = try #require(rows("upload", remote + "/a.bin").first, "\(all)")
            #expect(upload["direction"] == "upload" && upload["sha256"] == digest && upload["bytes"] == size
                && upload["integrity"] == "complete" && upload["status"] == "ok" && upload["protocol"] == "sftp", "\(upload)")
            #expect(rows("rename", remote + "/a.bin").first?["second_path"] == remote + "/b.bin", "\(all)")
            let downloads = rows("download", remote + "/b.bin")
            #expect(downloads.count == 2, "\(all)")
            let whole = downloads.first
            #expect(whole?["sha256"] == digest && whole?["bytes"] == size && whole?["integrity"] == "complete", "\(downloads)")
            // The resumed download moved only the rest, and says which bytes.
            let resumed = downloads.last
            #expect(resumed?["integrity"] == "partial" && resumed?["ranges"] == "100000-\(size)"
                && resumed?["sha256"] == nil && resumed?["bytes"] == "\(700 * 1024 + 13 - 100_000)", "\(downloads)")
            #expect(!rows("setstat", remote + "/b.bin").isEmpty, "\(all)")
            #expect(!rows("mkdir", remote + "/made").isEmpty, "\(all)")
            #expect(all.contains { $0["operation"] == "list" && $0["path"]?.hasPrefix(remote) == true }, "\(all)")
            #expect(rows("upload", remote + "/c.bin").first?["sha256"] == digest, "\(all)")
            #expect(rows("remove", remote + "/c.bin").first?["status"] == "ok", "\(all)")
            #expect(all.allSatisfy { $0["user"] == "alice" && $0["target"] == "web-01" && $0["session_id"] != nil }, "\(all)")
        }

        @Test func scpOverSftpAndLegacyScpBothRecordEachFile() async throws {
            let fixture = try SharedGateway.current()
            let client = fixture.alice(on: "web-01")
            for legacy in [false, true] {
                let workspace = try TemporaryDirectory(prefix: "tracegate-ledger-scp")
                let remote = try workspace.subdirectory("remote")
                let original = workspace.file("original.bin")
                try RandomFile.write(original, byteCount: 300 * 1024 + 7)
                let digest = try await FileDigest.sha256(original)
                let up = try await ledger(fixture) {
                    try await client.scp([original], client.remote(remote + "/up.bin"), legacyProtocol: legacy)
                }
                try #require(up.result.succeeded, "\(up.result)")
                #expect(try await FileDigest.sha256(remote + "/up.bin") == digest)
                let upload = up.rows.first { $0["operation"] == "upload" }
                #expect(up.rows.count == 1 || !legacy, "\(up.rows)")
                #expect(upload?["path"] == remote + "/up.bin" && upload?["sha256"] == digest
                    && upload?["protocol"] == (legacy ? "scp" : "sftp") && upload?["integrity"] == "complete", "\(up.rows)")

                let down = try await ledger(fixture) {
                    try await client.scp([client.remote(remote + "/up.bin")], workspace.file("down.bin"), legacyProtocol: legacy)
                }
                try #require(down.result.succeeded, "\(down.result)")
                #expect(try await FileDigest.sha256(workspace.file("down.bin")) == digest)
                let download = down.rows.first { $0["operation"] == "download" }
                #expect(download?["path"] == remote + "/up.bin" && download?["sha256"] == digest
                    && download?["bytes"] == "\(300 * 1024 + 7)" && download?["integrity"] == "complete", "\(down.rows)")
            }
        }

        @Test(arguments: [true, false])
        func recursiveScpRecordsEveryFileOfTheTree(legacy: Bool) async throws {
            let fixture = try SharedGateway.current()
            let client = fixture.alice(on: "web-01")
            let workspace = try TemporaryDirectory(prefix: "tracegate-ledger-tree")
            let source = try workspace.subdirectory("tree")
            let remote = try workspace.subdirectory("remote")
            try DirectoryTree.makeSample(at: source, fileCount: 12, largeFileBytes: 200 * 1024)
            let tree = try DirectoryTree.read(source)
            let files = tree.entries.filter { $0.value != nil }.keys.sorted()
            let (result, all, _) = try await ledger(fixture) {
                try await client.scp(["-r", source], client.remote(remote), legacyProtocol: legacy)
            }
            try #require(result.succeeded, "\(result)")
            // Over SFTP the directories are mkdir rows of their own; legacy scp's D records are not rows.
            let rows = all.filter { $0["operation"] == "upload" }
            #expect(rows.count == files.count, "\(all)")
            #expect(rows.allSatisfy { $0["protocol"] == (legacy ? "scp" : "sftp") && $0["integrity"] == "complete" }, "\(rows)")
            for relative in files {
                let path = remote + "/tree/" + relative
                let row = rows.first { $0["path"] == path }
                #expect(row?["sha256"] == (try await FileDigest.sha256(source + "/" + relative)), "\(relative): \(rows)")
                #expect(row?["sha256"] == (try await FileDigest.sha256(path)), "\(relative)")
            }
        }

        @Test func rsyncIsACommandAndNotLedgered() async throws {
            let fixture = try SharedGateway.current()
            let client = fixture.alice(on: "web-01")
            let workspace = try TemporaryDirectory(prefix: "tracegate-ledger-rsync")
            let original = workspace.file("a.bin")
            try RandomFile.write(original, byteCount: 64 * 1024)
            let remote = try workspace.subdirectory("remote")
            let observed = try await fixture.observeConnection {
                try await client.rsync([original, client.remote(remote + "/")])
            }
            try #require(observed.result.succeeded, "\(observed.result)")
            let connection = try #require(observed.connection["connection_id"])
            let rows = try await fixture.auditDatabase.query(
                "SELECT * FROM file_transfers WHERE connection_id = \(AuditTrailDatabase.literal(connection))")
            #expect(rows.isEmpty, "\(rows)")
            let sessions = try await fixture.auditDatabase.sessions(ofConnection: connection)
            #expect(sessions.first?["command"]?.hasPrefix("rsync --server") == true, "\(sessions)")
        }

        @Test(.enabled(if: paramikoInstalled, "needs python3-paramiko for /usr/bin/python3"))
        func paramikoSftpClientIsLedgeredLikeOpenSSH() async throws {
            let fixture = try SharedGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-ledger-paramiko")
            let remote = try workspace.subdirectory("remote")
            let original = workspace.file("original.bin")
            try RandomFile.write(original, byteCount: 1_000_000)
            let digest = try await FileDigest.sha256(original)
            let script = """
                import sys, paramiko
                port, key, user, local, remote, back, known_hosts = sys.argv[1:8]
                client = paramiko.SSHClient()
                # The gateway's key pinned, as an engineer's client should: no trust on first use.
                client.load_host_keys(known_hosts)
                client.set_missing_host_key_policy(paramiko.RejectPolicy())
                client.connect("127.0.0.1", port=int(port), username=user, key_filename=key,
                               allow_agent=False, look_for_keys=False)
                sftp = client.open_sftp()
                sftp.put(local, remote)
                sftp.get(remote, back)
                sftp.close()
                client.close()
                """
            let scriptPath = try workspace.write(script, to: "client.py")
            let knownHosts = try workspace.write("[127.0.0.1]:\(fixture.gateway.port) \(try fixture.gateway.hostKeyLine())\n",
                                                 to: "known_hosts")
            let (result, rows, _) = try await ledger(fixture) {
                try await ProcessRunner().run("/usr/bin/python3", [
                    scriptPath, "\(fixture.gateway.port)", fixture.aliceKey.privateKeyPath, "\(fixture.login)@web-01",
                    original, remote + "/p.bin", workspace.file("back.bin"), knownHosts,
                ], timeout: .seconds(120))
            }
            try #require(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            #expect(try await FileDigest.sha256(remote + "/p.bin") == digest)
            #expect(try await FileDigest.sha256(workspace.file("back.bin")) == digest)
            let upload = rows.first { $0["operation"] == "upload" }
            let download = rows.first { $0["operation"] == "download" }
            #expect(upload?["path"] == remote + "/p.bin" && upload?["sha256"] == digest && upload?["bytes"] == "1000000", "\(rows)")
            #expect(download?["path"] == remote + "/p.bin" && download?["sha256"] == digest
                && download?["integrity"] == "complete", "\(rows)")
        }

        @Test func auditFilesFiltersByDirectionHashAndPathAndSearchFindsThePath() async throws {
            let fixture = try SharedGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-ledger-cli")
            let remote = try workspace.subdirectory("remote")
            let original = workspace.file("needle-report.csv")
            try RandomFile.write(original, byteCount: 10_000)
            let digest = try await FileDigest.sha256(original)
            let (result, _, connection) = try await ledger(fixture) {
                try await fixture.alice(on: "web-01").sftp(batch: "put \(original) \(remote)/needle-report.csv\n")
            }
            try #require(result.succeeded, "\(result)")
            let byHash = try await fixture.audit(["files", "--sha256", digest, "--format", "csv"]).checked()
            #expect(byHash.stdout.contains(remote + "/needle-report.csv") && byHash.stdout.contains(connection), "\(byHash)")
            let byPath = try await fixture.audit(["files", "--path", "*/needle-report.csv", "--direction", "upload", "--format", "csv"]).checked()
            #expect(byPath.stdout.contains("needle-report.csv"), "\(byPath)")
            let none = try await fixture.audit(["files", "--path", "*/needle-report.csv", "--direction", "download",
                                                "--format", "json"]).checked()
            #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(none)")
            let show = try await fixture.audit(["show", connection]).checked()
            #expect(show.stdout.contains("Files") && show.stdout.contains(digest), "\(show)")
            let search = try await fixture.audit(["search", "needle-report"]).checked()
            #expect(search.stdout.contains(connection) || search.stdout.contains("needle-report.csv"), "\(search)")
            let verify = try await fixture.audit(["verify"])
            #expect(verify.succeeded, "\(verify)")
        }
    }
}
