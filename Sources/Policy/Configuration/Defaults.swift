/// Every default of the configuration in one place, so that the documentation, the loader and
/// `tracegate config check` cannot disagree.
package enum Defaults {
    package static let listen = ListenAddress(host: "127.0.0.1", port: 2222)
    package static let stateDirectory = "var"
    package static let logLevel = "info"
    /// The swift-log levels, in its order.
    package static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    package static let logFormat = LogFormat.logfmt
    /// Loopback: metrics name users, organisations and targets, so they stay on the host unless asked.
    package static let metricsListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9222)
    /// Off: nothing is ever pruned unless the operator asks for it.
    package static let retention: Duration? = nil
    package static let limits = ConnectionLimits(
        authTimeout: .seconds(30),
        maxAuthAttempts: 6,
        keyExchangeTimeout: .seconds(10),
        maxUnauthenticated: 256,
        upstreamTimeout: .seconds(10),
        closeGrace: .seconds(5),
        earlyDropStart: 64,
        earlyDropRate: 30,
        // Ansible's ControlPersist puts each host's tasks on one connection, a few channels at a
        // time; a shared automation account may hold hundreds of sessions across hosts.
        maxChannelsPerConnection: 64,
        maxSessionsPerUser: 1024
    )
    /// OpenSSH's PerSourcePenalties defaults (authfail 5s, noauth 1s, grace-exceeded 10s,
    /// min 15s, max 10m): a typo or two never locks an engineer out, a script soon is.
    /// A load balancer writes its PROXY header as soon as it connects: 3 s is generous, and
    /// short enough that a silent connection from a trusted address frees its place soon.
    package static let proxyHeaderTimeout: Duration = .seconds(3)
    package static let penalties = PenaltySettings(
        enabled: true,
        authenticationFailure: .seconds(5),
        noAuthentication: .seconds(1),
        graceExceeded: .seconds(10),
        minimum: .seconds(15),
        maximum: .seconds(600),
        exempt: [],
        maxSources: 65536
    )
    package static let recording = RecordingBounds(
        maxSessionBytes: 100 << 20,
        maxExecOutputBytes: 1 << 20,
        minFreeBytes: 256 << 20
    )
    /// `limits.drain_timeout`: how long a stopping gateway lets sessions end on their own.
    package static let drainTimeout: Duration = .seconds(30)
    package static let environmentAllowList = ["LANG", "LC_*", "TERM"]

    // Modern, widely supported choices only; no SHA-1, CBC or NIST-curve key exchange facing clients.
    // The post-quantum hybrids first, in OpenSSH 10's order (a client picks the first of its own
    // list that the server offers; where the gateway is the client, this order decides): ML-KEM
    // for OpenSSH 9.9+, sntrup761 under both names (OpenSSH 9.0-9.8 know only the @openssh.com
    // one). A gateway built on libssh 0.10 (no post-quantum key exchange) leaves them out and
    // says so at start and in `config check` (SSH.LibSSHCapabilities).
    package static let postQuantumKex = [
        "mlkem768x25519-sha256",
        "sntrup761x25519-sha512",
        "sntrup761x25519-sha512@openssh.com",
    ]
    package static let kex = postQuantumKex + [
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512",
    ]
    // No chacha20-poly1305: with it, a client without strict key exchange (OpenSSH before
    // 9.6 unpatched, old libraries) could be attacked with Terrapin (CVE-2023-48795). libssh
    // 0.10.6 does implement strict kex (kex-strict-s-v00@openssh.com), but it protects only
    // when both peers do; AES-GCM is not affected by Terrapin at all.
    //
    // Only AES-GCM faces clients: a client picks the first cipher of its own list that the
    // server offers, and OpenSSH lists aes128-ctr before the GCM ciphers. Through libssh,
    // aes-ctr with hmac-sha2-256-etm cost the gateway 8.7 s of CPU per GiB relayed against
    // 5.8 with GCM (bench/run, docs/performance.md), enough to make downloads slower than
    // through an ssh -J jump host. Clients without AES-GCM (before OpenSSH 6.2, PuTTY before
    // 0.76) need `algorithms.ciphers` to list an -ctr cipher.
    // aes128 first: the order only matters where the gateway is the client (towards targets),
    // and there AES-128 does the same job in 10 rounds instead of 14 on every relayed byte.
    package static let ciphers = [
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
    ]
    /// Appended to the cipher list on the gateway's own connections to targets: an older
    /// target may lack AES-GCM, and as the client there the gateway still prefers GCM.
    package static let upstreamCipherFallbacks = ["aes256-ctr", "aes192-ctr", "aes128-ctr"]
    package static let macs = [
        "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com",
    ]
    package static let hostKeys = ["ssh-ed25519"]
    package static let publicKeys = [
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "rsa-sha2-512",
        "rsa-sha2-256",
    ]

    // Targets may be older than the engineers' clients, so the client side also offers ECDH.
    package static let upstreamKex = kex + ["ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521"]
    package static let upstreamHostKeys = [
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "rsa-sha2-512",
        "rsa-sha2-256",
    ]
}
