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
        maxUnauthenticated: 64,
        upstreamTimeout: .seconds(10),
        closeGrace: .seconds(5)
    )
    package static let environmentAllowList = ["LANG", "LC_*", "TERM"]

    // Modern, widely supported choices only; no SHA-1, CBC or NIST-curve key exchange facing clients.
    package static let kex = [
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512",
    ]
    package static let ciphers = [
        "chacha20-poly1305@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-ctr",
        "aes192-ctr",
        "aes128-ctr",
    ]
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
