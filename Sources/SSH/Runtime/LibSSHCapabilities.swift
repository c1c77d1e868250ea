internal import CLibSSH
import Synchronization

/// What the libssh this binary was built with can do, found out from the library itself
/// rather than from its version number: the same code base builds against Debian 12's
/// libssh 0.10.6 (no post-quantum key exchange) and against the libssh 0.12 that
/// scripts/build-libssh.sh builds from Debian's source package (with it).
package enum LibSSHCapabilities {
    /// The post-quantum hybrid key exchanges, in OpenSSH 10's order of preference. Each one
    /// still includes an X25519 exchange, so it is never weaker than curve25519 alone.
    /// OpenSSH 9.0-9.8 know only the `@openssh.com` sntrup761 name; 9.9 added the others.
    package static let postQuantumKeyExchangeNames = [
        "mlkem768x25519-sha256",
        "sntrup761x25519-sha512",
        "sntrup761x25519-sha512@openssh.com",
    ]

    /// "0.12.2": the library's own version, from `ssh_version`.
    package static let version: String = {
        LibSSH.initialise()
        let full = LibSSH.string(ssh_version(0))
        return String(full.prefix { $0 != "/" })
    }()

    /// The version of the headers the SSH module was compiled against (LIBSSH_VERSION_INT);
    /// the same as `version` when the library is linked statically, as the scripts do.
    package static let headerVersion: String = {
        let packed = Int(tg_libssh_header_version())
        return "\(packed >> 16).\((packed >> 8) & 0xff).\(packed & 0xff)"
    }()

    /// Whether libssh reads a streaming socket up to 64 KiB at once (the read-size patch that
    /// scripts/build-libssh.sh applies) rather than 4 KiB per poll; known at build time from
    /// the libssh.pc the script writes.
    package static let readsWholePackets = tg_libssh_reads_whole_packets() != 0

    /// Whether libssh can use non-blocking sockets (EAGAIN is "poll again", the would-block
    /// patch). The gateway then makes both legs' sockets non-blocking, so that a client that
    /// stops reading cannot hold the connection's thread inside send(2). Without it (Debian
    /// 12's libssh 0.10.6) the sockets stay blocking: there a client that stops reading
    /// with more pending than the kernel's buffers hold stalls its own connection's thread.
    package static let usesNonBlockingSockets = tg_libssh_tolerates_would_block() != 0

    /// The post-quantum key exchanges this libssh implements (empty on libssh 0.10/0.11).
    package static let postQuantumKeyExchanges: [String] = postQuantumKeyExchangeNames.filter(supportsKeyExchange)

    package static var hasPostQuantumKeyExchange: Bool { !postQuantumKeyExchanges.isEmpty }

    package static func isPostQuantum(_ keyExchange: String) -> Bool {
        postQuantumKeyExchangeNames.contains(keyExchange)
    }

    /// Whether libssh accepts `name` as a key exchange: it refuses a list in which it knows
    /// no algorithm, so a list of one name answers exactly this question. Asked for every
    /// upstream connection's list, so each name is probed once per process.
    package static func supportsKeyExchange(_ name: String) -> Bool {
        if let known = probed.withLock({ $0[name] }) { return known }
        let answer = probe(name)
        probed.withLock { $0[name] = answer }
        return answer
    }

    private static let probed = Mutex<[String: Bool]>([:])

    private static func probe(_ name: String) -> Bool {
        LibSSH.initialise()
        guard let session = ssh_new() else { return false }
        defer { ssh_free(session) }
        var noConfig = false
        ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &noConfig)
        return ssh_options_set(session, SSH_OPTIONS_KEY_EXCHANGE, name) == SSH_OK
    }

    /// One line for logs and `config check`: which libssh, and whether its key exchange
    /// resists a quantum computer.
    package static var summary: String {
        if hasPostQuantumKeyExchange {
            return "libssh \(version): post-quantum key exchange available (\(postQuantumKeyExchanges.joined(separator: ", ")))"
        }
        return "libssh \(version): post-quantum key exchange unavailable (this libssh has none; "
            + "build with scripts/build-libssh.sh for libssh 0.12)"
    }
}
