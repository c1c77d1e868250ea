import Foundation

/// Runs real programs: the OpenSSH tools, sshd, the tracegate binary. One runner carries
/// the environment and working directory that every command it starts should get.
package struct ProcessRunner: Sendable {
    package var environment: [String: String]
    package var workingDirectory: String?

    package init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil
    ) {
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Starts a long-running process and returns at once.
    package func spawn(
        _ executable: String,
        _ arguments: [String],
        input: ProcessInput = .none,
        output: ProcessOutput = .capture
    ) throws -> SpawnedProcess {
        try SpawnedProcess(
            executable: executable,
            arguments: arguments,
            environment: environment,
            workingDirectory: workingDirectory,
            input: input,
            output: output
        )
    }

    /// Runs to completion. After `timeout` the whole process group is killed and the
    /// result says `timedOut`, so a hung ssh fails one test instead of the whole run.
    package func run(
        _ executable: String,
        _ arguments: [String],
        input: ProcessInput = .none,
        output: ProcessOutput = .capture,
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        let child = try spawn(executable, arguments, input: input, output: output)
        if await child.waitForExit(timeout: timeout) != nil {
            return await child.result()
        }
        child.terminateGroup(signal: SIGKILL)
        return await child.result(timedOut: true)
    }
}
