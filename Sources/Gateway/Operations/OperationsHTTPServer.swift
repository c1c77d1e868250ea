import Foundation
import Synchronization

/// A deliberately small HTTP/1.1 server for `/metrics`, `/healthz` and `/readyz`, on its own
/// OS thread with POSIX sockets. SwiftNIO or Hummingbird would do this too, but would add
/// minutes to every CI build for three GET endpoints that a scraper calls every few seconds.
///
/// One request per connection, answered in turn on this thread; the request head is bounded
/// (`maximumHeadBytes`) and must arrive within `readTimeout`, so a slow or hostile client
/// holds the listener for at most that long and can never grow memory.
final class OperationsHTTPServer: Sendable {
    static let maximumHeadBytes = 8 * 1024
    static let readTimeout = Duration.seconds(2)

    enum Failure: Error, CustomStringConvertible {
        case listen(address: String, reason: String)

        var description: String {
            switch self {
            case .listen(let address, let reason): "cannot listen for metrics on \(address): \(reason)"
            }
        }
    }

    private let descriptor: Int32
    let boundPort: Int
    private let routes: OperationsRoutes
    private let stopping = Atomic<Bool>(false)
    private let stopped = Mutex<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Binds now, so that a taken port stops the gateway at start with a clear error.
    init(host: String, port: Int, routes: OperationsRoutes) throws(Failure) {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE
        var info: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &info)
        guard status == 0, let first = info else {
            throw .listen(address: address, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .listen(address: address, reason: String(cString: strerror(errno))) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            Foundation.close(fd)
            throw .listen(address: address, reason: reason)
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        boundPort = Self.port(of: bound)
        descriptor = fd
        self.routes = routes
    }

    func start() {
        let thread = Thread { [self] in
            Thread.current.name = "tg-operations"
            serve()
            finished.signal()
        }
        thread.start()
    }

    /// Stops accepting and waits for the request in hand, if any (bounded by the read timeout).
    func stop() {
        let wasRunning = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard wasRunning else { return }
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        Foundation.close(descriptor)
    }

    private func serve() {
        while !stopping.load(ordering: .relaxed) {
            var listening = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&listening, 1, 250) == 1 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            // A client that stops reading must not hold the thread in send() forever.
            var timeout = timeval(tv_sec: Int(Self.readTimeout.components.seconds), tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            answer(client)
            closeGracefully(client)
        }
    }

    private func answer(_ client: Int32) {
        let response: HTTPResponse
        switch readHead(client) {
        case .head(let head):
            if let request = HTTPRequestLine(head: head) {
                response = routes.respond(to: request)
            } else {
                response = HTTPResponse(status: 400, body: "malformed request\n")
            }
        case .tooLarge:
            response = HTTPResponse(status: 431, body: "request head over \(Self.maximumHeadBytes) bytes\n")
        case .timedOut:
            response = HTTPResponse(status: 408, body: "request not received within \(Self.readTimeout)\n")
        case .closed:
            return
        }
        send(response.bytes, to: client)
    }

    private enum HeadResult {
        case head([UInt8])
        case tooLarge
        case timedOut
        case closed
    }

    /// Reads until the blank line that ends the head, the size bound or the deadline.
    private func readHead(_ client: Int32) -> HeadResult {
        let deadline = ContinuousClock.now + Self.readTimeout
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while true {
            if let end = Self.endOfHead(head) { return .head(Array(head[..<end])) }
            if head.count >= Self.maximumHeadBytes { return .tooLarge }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .timedOut }
            var waiting = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&waiting, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready == 1 else { return .timedOut }
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, min($0.count, Self.maximumHeadBytes - head.count), 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return .closed }
            head += chunk[..<count]
        }
    }

    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 2
        }
        return nil
    }

    private func send(_ bytes: [UInt8], to client: Int32) {
        var offset = 0
        let deadline = ContinuousClock.now + Self.readTimeout
        while offset < bytes.count, ContinuousClock.now < deadline {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EINTR || errno == EAGAIN) {
                var writable = pollfd(fd: client, events: Int16(POLLOUT), revents: 0)
                _ = poll(&writable, 1, 100)
            } else {
                return
            }
        }
    }

    /// Closing with unread input makes the kernel send a reset, which can destroy the response
    /// before the client reads it (a 431 leaves the rest of the head unread): say we are done
    /// writing, then discard what still arrives for a moment.
    private func closeGracefully(_ client: Int32) {
        shutdown(client, Int32(SHUT_WR))
        var discard = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .milliseconds(200)
        var drained = 0
        while drained < 64 * 1024, ContinuousClock.now < deadline {
            var readable = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&readable, 1, 50) == 1 else { continue }
            let count = discard.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            drained += count
        }
        Foundation.close(client)
    }

    private static func port(of address: sockaddr_storage) -> Int {
        var address = address
        let family = Int32(address.ss_family)
        return withUnsafePointer(to: &address) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
