import Foundation

/// Keeps glibc's `memcpy` off `rep movsb` for the relay's copies: `tracegate serve` starts
/// itself once more with glibc's tunable for it set.
///
/// glibc (Debian 12's 2.36) copies blocks of a few KiB and more with `rep movsb` on CPUs
/// that advertise fast string moves. On the AMD EPYC this was measured on, that instruction
/// moves about 2.8 GB/s instead of 35–50 when the destination lies 1 to 31 bytes past the
/// source modulo 4 KiB, and the relay meets that case often: libssh appends each 32 KiB
/// packet at whatever offset its socket buffer has reached. In a profile of a download that
/// one copy took 15.7 % of the connection thread's samples, and 2 % with glibc's vector loop
/// (what it uses below the threshold). glibc reads the threshold only when a process starts,
/// from GLIBC_TUNABLES, so the process cannot change it for itself: it execs itself with
/// the variable added. The PID, arguments and open descriptors stay the same.
package enum MemoryCopyTuning {
    package static let tunable = "glibc.cpu.x86_rep_movsb_threshold"
    /// Above glibc's non-temporal threshold (a fraction of the shared cache), past which
    /// it does not use `rep movsb` either: the instruction is then never chosen.
    package static let threshold = 1 << 30

    /// The GLIBC_TUNABLES value to run with, or nil when there is nothing to do: the
    /// tunable is already there (an operator's own value stands, and the restarted process
    /// stops here).
    package static func tunables(adding current: String?) -> String? {
        if let current, current.contains(tunable) { return nil }
        let setting = "\(tunable)=\(threshold)"
        guard let current, !current.isEmpty else { return setting }
        return current + ":" + setting
    }

    /// Replaces this process with itself, the tunable set; returns only when there is
    /// nothing to do or the exec failed (the gateway then runs with glibc's default).
    package static func restartWithTunable() {
        #if arch(x86_64) && os(Linux)
        let current = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"]
        guard let value = tunables(adding: current) else { return }
        setenv("GLIBC_TUNABLES", value, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        // The binary's own path, not /proc/self/exe: the kernel names a process after the file
        // it execs, and `ps`, `pgrep tracegate` and `top` would show "exe". The link serves when
        // the path is gone (a binary replaced under a running gateway).
        execv(executablePath() ?? "/proc/self/exe", arguments)
        // Still here: the exec failed. Run on with glibc's default rather than not at all.
        if let current { setenv("GLIBC_TUNABLES", current, 1) } else { unsetenv("GLIBC_TUNABLES") }
        for argument in arguments { free(argument) }
        #endif
    }

    /// Where /proc/self/exe points, while that file still exists.
    private static func executablePath() -> String? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }
}
