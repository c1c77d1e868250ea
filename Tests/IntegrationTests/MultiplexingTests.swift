import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// OpenSSH connection sharing: several sessions as channels of one connection.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct MultiplexingTests {
        @Test func threeShellsAndAnSftpBatchRunAtOnceOverOneMasterConnection() async throws {
            let fixture = try SharedGateway.current()
            let client = fixture.alice(on: "web-01")
            let workspace = try TemporaryDirectory(prefix: "tracegate-mux")
            let master = try await client.startControlMaster(at: workspace.file("cm"), persist: .seconds(30))
            defer { master.exit() }

            // A port where nothing listens: a client that failed to use the master and
            // opened its own connection would fail instead of passing unnoticed.
            let unusedPort = try LoopbackPort.free()
            let viaMaster = master.clientOptions + ["-o", "Port=\(unusedPort)"]
            let remote = try workspace.subdirectory("remote")
            let payload = workspace.file("payload.bin")
            try RandomFile.write(payload, byteCount: 1 << 20)

            async let shells = withThrowingTaskGroup(of: (Int, ProcessResult).self) { group in
                for index in 1...3 {
                    group.addTask {
                        (index, try await client.ssh("echo shell-$((\(index)*10)); sleep 1; echo done-\(index)", options: ["-tt"] + viaMaster))
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            async let transfer = client.sftp(batch: "put \(payload) \(remote)/payload.bin\nls \(remote)\n", options: viaMaster)

            let shellResults = try await shells
            let sftpResult = try await transfer
            for index in 1...3 {
                let result = try #require(shellResults[index])
                #expect(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
                #expect(result.stdout.contains("shell-\(index * 10)") && result.stdout.contains("done-\(index)"), "\(result)")
            }
            #expect(sftpResult.succeeded, "\(sftpResult)\n\(fixture.gatewayLogTail)")
            #expect(try await FileDigest.sha256(remote + "/payload.bin") == (try await FileDigest.sha256(payload)))

            let check = try await master.check()
            #expect(check.succeeded, "the master connection should still be up\n\(check)")
        }
    }
}
