import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// A grant's `files:` rules on real clients: alice may upload but not download; bob may
    /// move files only under /tmp/tracegate-rules-allowed*. Refusals reach the client with the
    /// rule's message, the session goes on, and each refusal is in the ledger and the trail.
    @Suite(
        .policyGateway(
            targets: [.init(name: "web-01", server: 0, owner: "retailer")],
            grants: { facts in
                [
                    #"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)"], files: {download: deny}}"#,
                    #"{to: {user: bob}, targets: {names: [web-01]}, logins: ["\#(facts.login)"], files: {paths: ["/tmp/tracegate-rules-allowed*"]}}"#,
                ]
            }
        ),
        .serialized, .timeLimit(.minutes(3))
    )
    struct FileRuleTests {
        private func deniedRows(_ gateway: PolicyGateway, path: String) async throws -> [[String]] {
            try await gateway.audit.waitForRows(
                "SELECT operation, status, note, user FROM file_transfers WHERE path = \(PolicyAuditDatabase.literal(path)) AND status = 'denied'")
        }

        @Test func downloadDenyRefusesGetButNotPutAndTheSessionGoesOn() async throws {
            let gateway = try SharedPolicyGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-rules-alice")
            let remote = try workspace.subdirectory("remote")
            let original = workspace.file("original.bin")
            try RandomFile.write(original, byteCount: 50_000)
            let digest = try await FileDigest.sha256(original)
            try Data("secret\n".utf8).write(to: URL(fileURLWithPath: remote + "/secret.txt"))
            // "-" before get: the batch goes on after the refusal, so the put after it shows
            // the session survived.
            let batch = """
                put \(original) \(remote)/up.bin
                -get \(remote)/secret.txt \(workspace.path)/secret.txt
                put \(original) \(remote)/after.bin

                """
            let result = try await gateway.alice(on: "web-01").sftp(batch: batch)
            #expect(result.succeeded, "\(result)\n\(gateway.logTail)")
            #expect(result.stderr.contains("download refused by grant #1") && result.stderr.contains("files.download is deny"),
                    "\(result)")
            #expect(!FileManager.default.fileExists(atPath: workspace.path + "/secret.txt"))
            #expect(try await FileDigest.sha256(remote + "/up.bin") == digest)
            #expect(try await FileDigest.sha256(remote + "/after.bin") == digest)
            let refused = try await deniedRows(gateway, path: remote + "/secret.txt")
            #expect(refused.first?[0] == "download" && refused.first?[3] == "alice", "\(refused)")
            #expect(refused.first?[2].contains("files.download is deny") == true, "\(refused)")
            let uploads = try await gateway.audit.waitForRows(
                "SELECT sha256 FROM file_transfers WHERE path = \(PolicyAuditDatabase.literal(remote + "/after.bin"))")
            #expect(uploads.first?[0] == digest, "\(uploads)")
        }

        @Test func legacyScpDownloadIsRefusedAtExecWithOneLine() async throws {
            let gateway = try SharedPolicyGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-rules-scp")
            let remote = try workspace.subdirectory("remote")
            try Data("secret\n".utf8).write(to: URL(fileURLWithPath: remote + "/secret.txt"))
            let client = gateway.alice(on: "web-01")
            let result = try await client.scp([client.remote(remote + "/secret.txt")], workspace.file("copy.txt"),
                                              legacyProtocol: true)
            #expect(!result.succeeded)
            #expect(result.stderr.contains("download refused by grant #1 (") && result.stderr.contains("): files.download is deny"),
                    "\(result)")
            #expect(!FileManager.default.fileExists(atPath: workspace.file("copy.txt")))
            let refused = try await deniedRows(gateway, path: remote + "/secret.txt")
            #expect(refused.first?[0] == "download", "\(refused)")
            // Uploading by legacy scp is still allowed.
            let original = workspace.file("up.bin")
            try RandomFile.write(original, byteCount: 10_000)
            let upload = try await client.scp([original], client.remote(remote + "/up.bin"), legacyProtocol: true)
            #expect(upload.succeeded, "\(upload)")
            #expect(try await FileDigest.sha256(remote + "/up.bin") == (try await FileDigest.sha256(original)))
        }

        @Test func pathsConfineWhereFilesMayMove() async throws {
            let gateway = try SharedPolicyGateway.current()
            let allowed = try TemporaryDirectory(prefix: "tracegate-rules-allowed")
            let outside = try TemporaryDirectory(prefix: "tracegate-rules-outside")
            let original = allowed.file("original.bin")
            try RandomFile.write(original, byteCount: 20_000)
            let batch = """
                put \(original) \(allowed.path)/in.bin
                -put \(original) \(outside.path)/out.bin
                -put \(original) \(allowed.path)/../\(URL(fileURLWithPath: outside.path).lastPathComponent)/sneaky.bin
                get \(allowed.path)/in.bin \(outside.path)/local-copy.bin

                """
            let result = try await gateway.bob(on: "web-01").sftp(batch: batch)
            #expect(result.succeeded, "\(result)\n\(gateway.logTail)")
            #expect(FileManager.default.fileExists(atPath: allowed.path + "/in.bin"))
            #expect(!FileManager.default.fileExists(atPath: outside.path + "/out.bin"))
            #expect(!FileManager.default.fileExists(atPath: outside.path + "/sneaky.bin"))
            #expect(FileManager.default.fileExists(atPath: outside.path + "/local-copy.bin"))
            #expect(result.stderr.contains("is outside files.paths"), "\(result)")
            let refused = try await deniedRows(gateway, path: outside.path + "/out.bin")
            #expect(refused.first?[0] == "upload" && refused.first?[3] == "bob", "\(refused)")
        }

        @Test func explainShowsTheGrantsFileRules() async throws {
            let gateway = try SharedPolicyGateway.current()
            let explain = try await gateway.gateway.run(["config", "check", "--explain", "alice", "web-01", gateway.login])
            #expect(explain.stdout.contains("files (sftp, scp, rsync): upload allow, download deny"), "\(explain)")
            let check = try await gateway.gateway.run(["config", "check"])
            #expect(check.stdout.contains("files: upload allow, download allow, paths /tmp/tracegate-rules-allowed*"), "\(check)")
        }
    }
}
