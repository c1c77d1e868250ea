import Foundation

/// Ports on 127.0.0.1: every server in the tests listens there, on a port the kernel chose.
package enum LoopbackPort {
    /// Binds port 0, reads the port the kernel picked, and closes the socket. Another
    /// process could take the port before our server binds it; servers retry on that.
    package static func free() throws -> UInt16 {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else {
            throw TestSupportError.systemCall("socket", errno: errno)
        }
        defer { close(socketDescriptor) }
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw TestSupportError.systemCall("bind", errno: errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(socketDescriptor, $0, &length)
            }
        }
        guard named == 0 else {
            throw TestSupportError.systemCall("getsockname", errno: errno)
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// True when something accepts a TCP connection on 127.0.0.1:`port` right now.
    package static func acceptsConnections(_ port: UInt16) -> Bool {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return false }
        defer { close(socketDescriptor) }
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return connected == 0
    }

    /// Polls until `port` accepts, `stillRunning` turns false, or `timeout` passes.
    /// Returns whether the port accepted; the caller decides what a refusal means.
    package static func waitUntilAccepting(
        _ port: UInt16,
        timeout: Duration,
        while stillRunning: @Sendable () -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if acceptsConnections(port) { return true }
            if !stillRunning() { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return acceptsConnections(port)
    }

    private static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
