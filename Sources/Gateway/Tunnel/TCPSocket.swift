import Foundation

/// A plain TCP connection to a target's SSH port, for tunnel mode (ProxyJump): the
/// engineer's SSH runs end to end through it and the gateway only counts bytes.
final class TCPSocket {
    let descriptor: Int32
    private var isClosed = false

    enum Failure: Error, CustomStringConvertible {
        case resolve(String)
        case connect(String)

        var description: String {
            switch self {
            case .resolve(let detail): "name does not resolve (\(detail))"
            case .connect(let detail): detail
            }
        }
    }

    /// Connects with a deadline; the socket is left non-blocking for the relay.
    init(host: String, port: Int, timeout: Duration) throws(Failure) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var info: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &info)
        guard status == 0, let first = info else { throw .resolve(String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connect(String(cString: strerror(errno))) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if Foundation.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            Foundation.close(fd)
            throw .connect(reason.lowercased())
        }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000)
        guard poll(&poller, 1, milliseconds) == 1 else {
            Foundation.close(fd)
            throw .connect("connection timed out")
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            Foundation.close(fd)
            throw .connect(String(cString: strerror(error)).lowercased())
        }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        descriptor = fd
    }

    deinit { close() }

    /// Bytes read, 0 at end of stream, nil when nothing is waiting.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let result = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
        if result < 0 { return errno == EAGAIN || errno == EINTR ? nil : 0 }
        return result
    }

    /// Bytes written now (0 when the kernel buffer is full), nil when the peer is gone.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let result = Foundation.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if result < 0 { return errno == EAGAIN || errno == EINTR ? 0 : nil }
        return result
    }

    func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Foundation.close(descriptor)
    }
}
