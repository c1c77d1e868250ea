import Foundation
import Testing
import TestSupport

/// File transfers written once and run both straight at an sshd (proving the harness) and
/// through the gateway. Targets run on this machine, so the "remote" side of a transfer is
/// a directory the test can inspect directly.
enum TransferScenarios {
    /// Uploads and downloads a random file with scp and checks both copies by SHA-256.
    static func scpRoundTrip(
        _ client: OpenSSHClient,
        legacyProtocol: Bool,
        byteCount: Int = 5 << 20,
        context: () -> String = { "" },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let workspace = try TemporaryDirectory(prefix: "tracegate-scp")
        let original = workspace.file("original.bin")
        let remoteDirectory = try workspace.subdirectory("remote")
        let downloaded = workspace.file("downloaded.bin")
        try RandomFile.write(original, byteCount: byteCount)
        let digest = try await FileDigest.sha256(original)

        let upload = try await client.scp([original], client.remote(remoteDirectory + "/uploaded.bin"), legacyProtocol: legacyProtocol)
        try #require(upload.succeeded, "upload failed\n\(upload)\n\(context())", sourceLocation: sourceLocation)
        #expect(try await FileDigest.sha256(remoteDirectory + "/uploaded.bin") == digest, "uploaded copy differs", sourceLocation: sourceLocation)

        let download = try await client.scp([client.remote(remoteDirectory + "/uploaded.bin")], downloaded, legacyProtocol: legacyProtocol)
        try #require(download.succeeded, "download failed\n\(download)\n\(context())", sourceLocation: sourceLocation)
        #expect(try await FileDigest.sha256(downloaded) == digest, "downloaded copy differs", sourceLocation: sourceLocation)
    }

    /// put, rename, get, put, rm, mkdir and ls in one `sftp -b` batch; then checks what
    /// each did on the target's filesystem.
    static func sftpBatch(
        _ client: OpenSSHClient,
        context: () -> String = { "" },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let workspace = try TemporaryDirectory(prefix: "tracegate-sftp")
        let original = workspace.file("original.bin")
        let remote = try workspace.subdirectory("remote")
        try RandomFile.write(original, byteCount: 256 * 1024)
        let digest = try await FileDigest.sha256(original)
        let batch = """
            put \(original) \(remote)/a.bin
            rename \(remote)/a.bin \(remote)/b.bin
            get \(remote)/b.bin \(workspace.path)/fetched.bin
            put \(original) \(remote)/c.bin
            rm \(remote)/c.bin
            mkdir \(remote)/made-by-sftp
            ls -1 \(remote)

            """
        let result = try await client.sftp(batch: batch)
        try #require(result.succeeded, "sftp batch failed\n\(result)\n\(context())", sourceLocation: sourceLocation)

        let fileManager = FileManager.default
        #expect(!fileManager.fileExists(atPath: remote + "/a.bin"), "rename left the old name", sourceLocation: sourceLocation)
        #expect(try await FileDigest.sha256(remote + "/b.bin") == digest, "renamed upload differs", sourceLocation: sourceLocation)
        #expect(try await FileDigest.sha256(workspace.path + "/fetched.bin") == digest, "get differs", sourceLocation: sourceLocation)
        #expect(!fileManager.fileExists(atPath: remote + "/c.bin"), "rm did not remove", sourceLocation: sourceLocation)
        var isDirectory: ObjCBool = false
        #expect(fileManager.fileExists(atPath: remote + "/made-by-sftp", isDirectory: &isDirectory) && isDirectory.boolValue,
                "mkdir did not create", sourceLocation: sourceLocation)
        #expect(result.stdout.contains("b.bin"), "ls did not list b.bin\n\(result)", sourceLocation: sourceLocation)
    }

    /// `rsync -a` of a tree (nested dirs, 200 small files, one 3 MB file) to the target
    /// and back; all three trees must be identical.
    static func rsyncRoundTrip(
        _ client: OpenSSHClient,
        context: () -> String = { "" },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let workspace = try TemporaryDirectory(prefix: "tracegate-rsync")
        let source = try workspace.subdirectory("source")
        let remote = try workspace.subdirectory("remote")
        let back = try workspace.subdirectory("back")
        try DirectoryTree.makeSample(at: source, fileCount: 200, largeFileBytes: 3 << 20)

        let push = try await client.rsync(["-a", source + "/", client.remote(remote + "/")])
        try #require(push.succeeded, "rsync push failed\n\(push)\n\(context())", sourceLocation: sourceLocation)
        let pull = try await client.rsync(["-a", client.remote(remote + "/"), back + "/"])
        try #require(pull.succeeded, "rsync pull failed\n\(pull)\n\(context())", sourceLocation: sourceLocation)

        let original = try DirectoryTree.read(source)
        let pushed = try DirectoryTree.read(remote)
        let pulled = try DirectoryTree.read(back)
        #expect(original.entries.values.filter { $0 != nil }.count == 201, "sample tree not as designed", sourceLocation: sourceLocation)
        #expect(pushed == original, "pushed tree differs at \(pushed.differences(from: original).prefix(5))", sourceLocation: sourceLocation)
        #expect(pulled == original, "pulled tree differs at \(pulled.differences(from: original).prefix(5))", sourceLocation: sourceLocation)
    }
}
