import Foundation

/// Runs the notify command with posix_spawn in a process group of its own, so that a timeout
/// kills it with everything it started. Foundation's `Process` was tried: on Linux it learns of
/// the end through a socket the child inherits, so a killed script's orphan (a `sleep`, a
/// `curl`) held the notifier for its whole life.
enum NotifyProcess {
    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case startFailed(Int32)
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    static func run(_ command: [String], input: Data, timeout: Duration) -> Outcome {
        var pipeEnds: [Int32] = [0, 0]
        // A socket pair rather than a pipe: `send` with MSG_NOSIGNAL cannot raise SIGPIPE in the
        // gateway when the script exits without reading.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pipeEnds) == 0 else {
            return .startFailed(errno)
        }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { if devNull >= 0 { close(devNull) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, devNull >= 0 ? devNull : pipeEnds[0], 1)
        posix_spawn_file_actions_adddup2(&actions, devNull >= 0 ? devNull : pipeEnds[0], 2)
        // The gateway's sockets and database must not leak into the operator's script.
        if let addCloseFrom { _ = addCloseFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = command.map { strdup($0) } + [nil]
        let environment: [String] = ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        close(pipeEnds[0])
        guard spawned == 0 else {
            close(pipeEnds[1])
            return .startFailed(spawned)
        }
        // Small (one JSON object, within the socket's buffer), so this never blocks on a script
        // that does not read; one that exited early only costs an EPIPE.
        input.withUnsafeBytes { buffer in _ = send(pipeEnds[1], buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
        close(pipeEnds[1])

        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { return .exited(-1) }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(20_000)
        }
        // The script is done; whatever it left behind in its group goes with it.
        kill(-pid, SIGKILL)
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
    }
}
