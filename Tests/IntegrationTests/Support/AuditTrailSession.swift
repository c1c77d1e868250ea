import Foundation
import TestSupport

/// An ssh session whose standard input the test keeps open and feeds line by line (through a
/// FIFO), so that it outlives whatever the test does to the gateway in the meantime.
final class AuditTrailOpenSession: @unchecked Sendable {
    let process: SpawnedProcess
    private let directory: TemporaryDirectory
    private var writer: Int32

    /// Starts `client.ssh(command)` with stdin on a FIFO this object writes.
    init(_ client: OpenSSHClient, command: String) throws {
        directory = try TemporaryDirectory(prefix: "tracegate-fifo")
        let fifo = directory.file("stdin")
        guard mkfifo(fifo, 0o600) == 0 else { throw AuditTrailError("mkfifo \(fifo): errno \(errno)") }
        // O_RDWR never blocks on a FIFO (Linux), and keeps it open so ssh sees no EOF;
        // O_CLOEXEC so that ssh does not inherit the write end and wait for itself.
        writer = open(fifo, O_RDWR | O_CLOEXEC)
        guard writer >= 0 else { throw AuditTrailError("open \(fifo): errno \(errno)") }
        process = try client.spawnSSH(command, input: .file(fifo))
    }

    deinit {
        closeInput()
        process.terminateGroup(signal: SIGKILL)
    }

    var output: String { String(decoding: process.standardOutputSoFar, as: UTF8.self) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw AuditTrailError("write to the session's stdin: errno \(errno)") }
    }

    /// Sends `line` and waits until the session has printed `expected` back.
    func roundTrip(_ line: String, expecting expected: String, timeout: Duration = .seconds(10)) async throws -> Bool {
        try send(line)
        return await waitFor(timeout: timeout) { self.output.contains(expected) }
    }

    /// EOF on the session's stdin: `cat` ends and ssh exits.
    func closeInput() {
        if writer >= 0 {
            close(writer)
            writer = -1
        }
    }
}
