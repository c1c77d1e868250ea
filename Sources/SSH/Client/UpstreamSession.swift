internal import CLibSSH
import Foundation

/// The gateway's own SSH client connection to a target. Like `ServerSession`, used by
/// one thread only (the engineer's connection thread).
package final class UpstreamSession {
    let handle: OpaquePointer
    package let host: String
    package let port: Int
    private let channels = SessionChannels()

    /// Prepares a session that reads no configuration file (neither ~/.ssh/config nor
    /// /etc/ssh/*): root's ProxyCommand or Include must never shape upstream traffic.
    package init(host: String, port: Int, login: String, timeout: Duration, algorithms: SSHAlgorithms) throws(SSHError) {
        LibSSH.initialise()
        let algorithms = try algorithms.forLinkedLibrary()
        guard let session = ssh_new() else { throw .connectFailed("cannot allocate a libssh session") }
        handle = session
        self.host = host
        self.port = port
        var noConfig = false
        ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &noConfig)
        ssh_options_set(session, SSH_OPTIONS_HOST, host)
        var portNumber = Int32(port)
        ssh_options_set(session, SSH_OPTIONS_PORT, &portNumber)
        ssh_options_set(session, SSH_OPTIONS_USER, login)
        var seconds = CLong(max(1, timeout.components.seconds))
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &seconds)
        ssh_options_set(session, SSH_OPTIONS_COMPRESSION_C_S, "none")
        ssh_options_set(session, SSH_OPTIONS_COMPRESSION_S_C, "none")
        // No known_hosts file: the host key is checked against the gateway's own pin.
        ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, "/dev/null")
        ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null")
        let lists: [(ssh_options_e, [String])] = [
            (SSH_OPTIONS_KEY_EXCHANGE, algorithms.keyExchange),
            (SSH_OPTIONS_CIPHERS_C_S, algorithms.ciphers),
            (SSH_OPTIONS_CIPHERS_S_C, algorithms.ciphers),
            (SSH_OPTIONS_HMAC_C_S, algorithms.macs),
            (SSH_OPTIONS_HMAC_S_C, algorithms.macs),
            (SSH_OPTIONS_HOSTKEYS, algorithms.hostKeys),
            (SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES, algorithms.publicKeys),
        ]
        for (option, list) in lists where !list.isEmpty {
            // Thrown after every property is set, so deinit runs and frees the session.
            guard ssh_options_set(session, option, list.joined(separator: ",")) == SSH_OK else {
                throw .connectFailed("unsupported algorithm list \(list.joined(separator: ","))")
            }
        }
    }

    deinit {
        tearDown()
    }

    /// TCP connect and key exchange, bounded by the session timeout.
    package func connect() throws(SSHError) {
        guard ssh_connect(handle) == SSH_OK else {
            let message = LibSSH.lastError(handle)
            throw KeyExchangeMismatch(message: message, gatewayIsServer: false)?.error ?? SSHError.connectFailed(Self.shorten(message))
        }
        let fd = ssh_get_fd(handle)
        if fd >= 0 {
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            // libssh made it blocking once connected.
            NonBlockingSocket.adopt(fd)
        }
    }

    /// The key exchange and ciphers negotiated with the target (after `connect`).
    package var negotiatedAlgorithms: NegotiatedAlgorithms {
        NegotiatedAlgorithms(session: handle)
    }

    /// The key the target presented during key exchange.
    package func serverHostKey() throws(SSHError) -> PublicKey {
        var key: OpaquePointer?
        guard ssh_get_server_publickey(handle, &key) == SSH_OK, let key else {
            throw .hostKeyUnavailable(LibSSH.lastError(handle))
        }
        defer { ssh_key_free(key) }
        return try PublicKey(borrowing: key)
    }

    package func authenticate(with key: PrivateKey) throws(SSHError) {
        let result = ssh_userauth_publickey(handle, nil, key.handle)
        guard result == Int32(SSH_AUTH_SUCCESS.rawValue) else {
            throw .authenticationFailed("the target did not accept the gateway's key")
        }
    }

    /// Offers each certificate in turn (the signing CA first, during a rotation the next one)
    /// and returns the index of the one the target accepted. `.authenticationFailed` when it
    /// accepted none: the target does not trust the CA, or the principal does not match.
    package func authenticate(withCertificates keys: [CertifiedKey]) throws(SSHError) -> Int {
        for (index, key) in keys.enumerated() {
            let result = ssh_userauth_publickey(handle, nil, key.handle)
            if result == Int32(SSH_AUTH_SUCCESS.rawValue) { return index }
            guard result == Int32(SSH_AUTH_DENIED.rawValue) else { break }
        }
        throw .authenticationFailed("the target did not accept the gateway's certificate")
    }

    package func setBlocking(_ blocking: Bool) {
        ssh_set_blocking(handle, blocking ? 1 : 0)
    }

    package var isConnected: Bool { channels.isConnected(session: handle) }

    /// Opens a session channel; call in blocking mode.
    package func openSessionChannel() throws(SSHError) -> Channel {
        guard let raw = ssh_channel_new(handle) else { throw .channelFailed(LibSSH.lastError(handle)) }
        guard ssh_channel_open_session(raw) == SSH_OK else {
            let reason = LibSSH.lastError(handle)
            ssh_channel_free(raw)
            throw .channelFailed(reason)
        }
        return channels.adopt(raw, role: .upstream)
    }

    /// Opens a direct-tcpip channel from the target to `host:port` (`ssh -L` relayed
    /// through the gateway's own connection); call in blocking mode.
    package func openForwardChannel(to host: String, port: Int, from originator: String,
                                    originatorPort: Int) throws(SSHError) -> Channel {
        guard let raw = ssh_channel_new(handle) else { throw .channelFailed(LibSSH.lastError(handle)) }
        guard ssh_channel_open_forward(raw, host, Int32(port), originator, Int32(originatorPort)) == SSH_OK else {
            let reason = LibSSH.lastError(handle)
            ssh_channel_free(raw)
            throw .channelFailed(reason)
        }
        return channels.adopt(raw, role: .upstream)
    }

    package func release(_ channel: Channel) {
        channels.release(channel)
    }

    package func tearDown() {
        channels.tearDown(session: handle)
    }

    /// libssh prefixes socket errors with context the engineer does not need.
    private static func shorten(_ message: String) -> String {
        let lowered = message.lowercased()
        if lowered.contains("connection refused") { return "connection refused" }
        if lowered.contains("timeout") || lowered.contains("timed out") { return "connection timed out" }
        if lowered.contains("connection reset") { return "connection reset" }
        if lowered.contains("no route") { return "no route to host" }
        if lowered.contains("resolve") || lowered.contains("name or service") { return "name does not resolve" }
        return message
    }
}
