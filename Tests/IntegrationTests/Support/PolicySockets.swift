import Foundation
import TestSupport

/// Plain TCP on 127.0.0.1, for what an `ssh -L` port leads to: a banner, or nothing.
enum PolicySockets {
    /// True when some process listens on 127.0.0.1:`port`, read from /proc/net/tcp so that
    /// checking makes no connection (a probe connect to an `ssh -L` port would itself open a
    /// forward, and an audited session, through the gateway).
    static func isListening(_ port: UInt16) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
        let local = "0100007F:" + String(format: "%04X", port)
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1] == local && fields[3] == "0A"  // 0A: LISTEN
        }
    }

    /// What a connection to a local port showed before the peer closed it.
    struct Exchange: Sendable, CustomStringConvertible {
        /// Everything received.
        var received = Data()
        /// True when the peer closed (EOF or reset) before the timeout.
        var closedByPeer = false
        var failure: String?

        var text: String { String(decoding: received, as: UTF8.self) }

        var description: String {
            "received \(received.count) bytes \(text.debugDescription), closed by peer: \(closedByPeer)"
                + (failure.map { ", failure: \($0)" } ?? "")
        }
    }

    /// Connects to 127.0.0.1:`port`, sends `greeting` if any, reads until `text` arrived (then
    /// sends `reply`, if any, and reads a little more), until the peer closes, or until `timeout`.
    static func exchange(
        port: UInt16, greeting: String? = nil, waitingFor text: String? = nil, reply: String? = nil,
        timeout: Duration = .seconds(10)
    ) async -> Exchange {
        var exchange = Exchange()
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else {
            exchange.failure = "socket: \(String(cString: strerror(errno)))"
            return exchange
        }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            exchange.failure = "connect: \(String(cString: strerror(errno)))"
            return exchange
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        if let greeting {
            _ = Array(greeting.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        }

        let deadline = ContinuousClock.now + timeout
        var replied = false
        var replyDeadline: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            if let replyDeadline, ContinuousClock.now >= replyDeadline { break }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                exchange.received.append(contentsOf: buffer.prefix(count))
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                exchange.closedByPeer = true
                break
            } else {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if let text, !replied, exchange.text.contains(text) {
                replied = true
                guard let reply else { break }
                _ = Array(reply.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                replyDeadline = ContinuousClock.now + .seconds(1)
            }
        }
        return exchange
    }
}
