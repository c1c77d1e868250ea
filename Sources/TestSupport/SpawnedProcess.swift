import Foundation

/// A running child: its pid, its collected output, and ways to signal and await it.
/// Every child gets its own process group, so a timeout can kill a whole pipeline (ssh and
/// anything it started) at once.
package final class SpawnedProcess: Sendable {
    package let command: [String]
    package let pid: Int32
    private let standardOutputDrain: PipeDrain?
    private let standardErrorDrain: PipeDrain
    private let exit = ExitNotifier()
    private let startedAt = ContinuousClock.now

    init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        workingDirectory: String?,
        input: ProcessInput,
        output: ProcessOutput
    ) throws {
        ChildProcessRegistry.prepare()
        let path = try ExecutableLocator.find(executable)
        command = [path] + arguments

        // Descriptors the child gets as 0, 1 and 2; ours to close once it has them.
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }

        let standardInput: Int32
        var inputWriter: (descriptor: Int32, data: Data)?
        switch input {
        case .none:
            standardInput = try PosixSpawn.openFile("/dev/null", flags: O_RDONLY)
        case .data(let data):
            let pipe = try PosixSpawn.makePipe()
            standardInput = pipe.read
            inputWriter = (pipe.write, data)
        case .file(let path):
            standardInput = try PosixSpawn.openFile(path, flags: O_RDONLY)
        }
        childEnds.append(standardInput)

        let standardOutput: Int32
        var outputReader: Int32?
        switch output {
        case .capture:
            let pipe = try PosixSpawn.makePipe()
            standardOutput = pipe.write
            outputReader = pipe.read
        case .file(let path):
            standardOutput = try PosixSpawn.openFile(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
        case .discard:
            standardOutput = try PosixSpawn.openFile("/dev/null", flags: O_WRONLY)
        }
        childEnds.append(standardOutput)
        let errorPipe = try PosixSpawn.makePipe()
        childEnds.append(errorPipe.write)

        do {
            pid = try PosixSpawn.spawn(
                path: path, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
                standardInput: standardInput, standardOutput: standardOutput, standardError: errorPipe.write
            )
        } catch {
            [outputReader, errorPipe.read, inputWriter?.descriptor].compactMap { $0 }.forEach { close($0) }
            throw error
        }
        ChildProcessRegistry.add(pid)
        let exit = self.exit
        let pid = self.pid
        ChildReaper.watch(pid) { termination in
            ChildProcessRegistry.remove(pid)
            exit.complete(termination)
        }

        let name = URL(fileURLWithPath: path).lastPathComponent
        standardOutputDrain = outputReader.map { PipeDrain($0, name: "\(name)-stdout") }
        standardErrorDrain = PipeDrain(errorPipe.read, name: "\(name)-stderr")
        if let inputWriter {
            Self.feed(inputWriter.data, to: inputWriter.descriptor, name: "\(name)-stdin")
        }
    }

    /// Writes stdin on its own thread and closes it, so the child sees EOF after the data.
    private static func feed(_ data: Data, to descriptor: Int32, name: String) {
        let thread = Thread {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        break  // the child closed its stdin (EPIPE): nothing more to do
                    }
                    offset += written
                }
            }
            close(descriptor)
        }
        thread.name = name
        thread.start()
    }

    package var isRunning: Bool { exit.termination == nil }
    package var termination: Termination? { exit.termination }

    /// Standard error collected so far (the log of a server, the complaint of a client).
    package var standardErrorText: String {
        String(decoding: standardErrorDrain.data, as: UTF8.self)
    }

    /// Standard error once the child has exited and the pipe reached its end: right after
    /// `waitForExit` the reading thread may not have read the last lines yet.
    package func standardErrorAfterExit(grace: Duration = .seconds(2)) async -> String {
        String(decoding: await standardErrorDrain.finish(grace: grace), as: UTF8.self)
    }

    /// Standard output collected so far, when it is being captured.
    package var standardOutputSoFar: Data {
        standardOutputDrain?.data ?? Data()
    }

    /// Sends `signal` to the child only.
    package func terminate(signal: Int32 = SIGTERM) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal` to the child's whole process group.
    package func terminateGroup(signal: Int32 = SIGKILL) {
        kill(-pid, signal)
    }

    /// The termination, or nil when the child is still running after `timeout`.
    package func waitForExit(timeout: Duration) async -> Termination? {
        await exit.wait(timeout: timeout)
    }

    /// SIGTERM, a grace period, then SIGKILL to the group: always returns with the child gone.
    @discardableResult
    package func stop(grace: Duration = .seconds(5)) async -> Termination {
        terminate(signal: SIGTERM)
        if let termination = await waitForExit(timeout: grace) { return termination }
        terminateGroup(signal: SIGKILL)
        return await waitForExit(timeout: .seconds(30)) ?? .signalled(SIGKILL)
    }

    /// `stop` for deinit and other places that cannot await.
    package func stopBlocking(grace: Duration = .seconds(5)) {
        guard isRunning else { return }
        terminate(signal: SIGTERM)
        if exit.waitBlocking(timeout: grace) != nil { return }
        terminateGroup(signal: SIGKILL)
        _ = exit.waitBlocking(timeout: .seconds(10))
    }

    /// Waits for the exit and for the pipes to drain. Output that a daemonised grandchild
    /// still holds open is cut off after `grace`.
    package func result(timedOut: Bool = false, grace: Duration = .seconds(2)) async -> ProcessResult {
        let termination = await waitForExit(timeout: .seconds(3600)) ?? .signalled(SIGKILL)
        let duration = ContinuousClock.now - startedAt
        let standardOutput = await standardOutputDrain?.finish(grace: grace) ?? Data()
        let standardError = await standardErrorDrain.finish(grace: grace)
        return ProcessResult(
            command: command,
            termination: termination,
            standardOutput: standardOutput,
            standardError: standardError,
            timedOut: timedOut,
            duration: duration
        )
    }
}
