import Foundation

/// Starts children with posix_spawn instead of Foundation's `Process`. On Linux, `Process`
/// learns that a child ended when a socket it passes to the child is closed, then blocks
/// its single manager thread in `waitpid` for that child. sshd and ssh close every
/// inherited descriptor at startup, so the manager thread blocks for as long as sshd runs
/// and no other child's exit is ever noticed (seen: ssh-keygen left a zombie, test hung).
enum PosixSpawn {
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    // GNU extensions (glibc 2.34 and 2.29) that Swift's Glibc module does not import.
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }

    /// Spawns `path` in a new process group with default signal handling and an empty
    /// signal mask, `standardInput/Output/Error` as fds 0-2 and nothing else open.
    static func spawn(
        path: String,
        arguments: [String],
        environment: [String: String],
        workingDirectory: String?,
        standardInput: Int32,
        standardOutput: Int32,
        standardError: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        if let addCloseFrom {
            _ = addCloseFrom(&actions, 3)
        } else {
            // Older glibc: close what is open now; glibc ignores a close of a closed fd.
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        if let workingDirectory {
            guard let addChdir else {
                throw TestSupportError.unexpectedOutput("posix_spawn_file_actions_addchdir_np is missing (glibc < 2.29)")
            }
            _ = addChdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group: a timeout can kill ssh together with whatever it started.
        posix_spawnattr_setpgroup(&attributes, 0)
        // The test process ignores SIGPIPE; children must get the default back.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        )

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestSupportError.systemCall("posix_spawn \(path)", errno: result)
        }
        return pid
    }

    /// A pipe whose two ends are not inherited by later children.
    static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw TestSupportError.systemCall("pipe", errno: errno)
        }
        _ = fcntl(descriptors[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
        return (descriptors[0], descriptors[1])
    }

    /// Opens `path` close-on-exec.
    static func openFile(_ path: String, flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
        let descriptor = open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw TestSupportError.systemCall("open \(path)", errno: errno)
        }
        return descriptor
    }
}
