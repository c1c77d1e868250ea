internal import CLibSSH
import Foundation

/// A TCP socket accepted by the listener, not yet speaking SSH.
package struct AcceptedSocket: Sendable {
    package let descriptor: Int32
    /// The client's address: the socket's peer, or the client a trusted proxy named.
    package let address: String
    package let port: Int

    package init(descriptor: Int32, address: String, port: Int) {
        self.descriptor = descriptor
        self.address = address
        self.port = port
    }

    /// The same socket, attributed to the client a PROXY header named.
    package func attributed(to address: String, port: Int) -> AcceptedSocket {
        AcceptedSocket(descriptor: descriptor, address: address, port: port)
    }
}

/// The gateway's listening socket plus the libssh "bind" that holds its host key and
/// algorithm policy. The socket is ours (not `ssh_bind_listen`'s) so that connections
/// can be counted and refused before any SSH work is spent on them.
package final class ServerListener: @unchecked Sendable {
    // Used only by the acceptor thread after init; `ssh_bind_accept_fd` mutates the
    // bind on first use, so it must never run on two threads at once.
    private let bind: OpaquePointer
    private var socketDescriptor: Int32
    package let boundPort: Int

    package init(host: String, port: Int, hostKeyPath: String, algorithms: SSHAlgorithms) throws(SSHError) {
        LibSSH.initialise()
        let algorithms = try algorithms.forLinkedLibrary()
        guard let bind = ssh_bind_new() else { throw .listenFailed("cannot allocate libssh bind") }
        self.bind = bind
        var noConfig = false
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &noConfig)
        // Announce "SSH-2.0-Tracegate" rather than the library and its exact version.
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BANNER, "Tracegate")
        var rsaMinimum: Int32 = 2048
        ssh_bind_options_set(bind, SSH_BIND_OPTIONS_RSA_MIN_SIZE, &rsaMinimum)
        guard ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HOSTKEY, hostKeyPath) == SSH_OK else {
            ssh_bind_free(bind)
            throw .listenFailed("cannot use host key \(hostKeyPath): \(LibSSH.lastError(bind))")
        }
        let lists: [(ssh_bind_options_e, [String])] = [
            (SSH_BIND_OPTIONS_KEY_EXCHANGE, algorithms.keyExchange),
            (SSH_BIND_OPTIONS_CIPHERS_C_S, algorithms.ciphers),
            (SSH_BIND_OPTIONS_CIPHERS_S_C, algorithms.ciphers),
            (SSH_BIND_OPTIONS_HMAC_C_S, algorithms.macs),
            (SSH_BIND_OPTIONS_HMAC_S_C, algorithms.macs),
            (SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, algorithms.hostKeys),
            (SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, algorithms.publicKeys),
        ]
        for (option, list) in lists where !list.isEmpty {
            guard ssh_bind_options_set(bind, option, list.joined(separator: ",")) == SSH_OK else {
                ssh_bind_free(bind)
                throw .listenFailed("unsupported algorithm list \(list.joined(separator: ",")): \(LibSSH.lastError(bind))")
            }
        }
        do {
            (socketDescriptor, boundPort) = try Self.openSocket(host: host, port: port)
        } catch {
            ssh_bind_free(bind)
            throw error
        }
    }

    deinit {
        if socketDescriptor >= 0 { Foundation.close(socketDescriptor) }
        ssh_bind_free(bind)
    }

    /// Closes the listening socket, so that new clients get "connection refused" at once
    /// instead of waiting in the backlog of a gateway that is going away. Acceptor thread only.
    package func stopListening() {
        guard socketDescriptor >= 0 else { return }
        Foundation.close(socketDescriptor)
        socketDescriptor = -1
    }

    private static func openSocket(host: String, port: Int) throws(SSHError) -> (Int32, Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &info)
        guard status == 0, let first = info else {
            throw .listenFailed("\(host):\(port): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .listenFailed(String(cString: strerror(errno))) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard Foundation.bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0,
              listen(fd, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            Foundation.close(fd)
            throw .listenFailed("\(host):\(port): \(reason)")
        }
        // Non-blocking: a client that resets between the poll and the accept must not leave the
        // acceptor stuck in accept(2). (Accepted sockets do not inherit the flag on Linux.)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, SocketAddress.port(of: storage))
    }

    /// The listening socket, for the acceptor's poll; -1 once `stopListening` ran.
    package var listeningDescriptor: Int32 { socketDescriptor }

    /// Accepts a connection that a poll of `listeningDescriptor` reported; nil when there is
    /// none (any more). Acceptor thread only: it polls this socket with the ones waiting for a
    /// PROXY header and looks at shutdown between polls.
    package func acceptReady() -> AcceptedSocket? {
        guard socketDescriptor >= 0 else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.accept(socketDescriptor, $0, &length)
            }
        }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var on: Int32 = 1
        // Small SSH packets (keystrokes, handshake steps) must not wait for Nagle.
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return AcceptedSocket(descriptor: fd, address: SocketAddress.host(of: storage), port: SocketAddress.port(of: storage))
    }

    /// Wraps an accepted socket in a libssh server session carrying the bind's host key
    /// and algorithms. Runs on the acceptor thread; the session then moves to its own
    /// connection thread and never comes back.
    package func makeSession(for socket: AcceptedSocket) throws(SSHError) -> ServerSession {
        guard let session = ssh_new() else {
            Foundation.close(socket.descriptor)
            throw .listenFailed("cannot allocate a libssh session")
        }
        var noConfig = false
        ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &noConfig)
        guard ssh_bind_accept_fd(bind, session, socket.descriptor) == SSH_OK else {
            let reason = LibSSH.lastError(bind)
            ssh_free(session)
            Foundation.close(socket.descriptor)
            throw .listenFailed(reason)
        }
        NonBlockingSocket.adopt(socket.descriptor)
        return ServerSession(handle: session, clientAddress: socket.address, clientPort: socket.port)
    }

    /// Closes a socket refused before any SSH was spoken (over a limit).
    package static func refuse(_ socket: AcceptedSocket) {
        Foundation.close(socket.descriptor)
    }
}
