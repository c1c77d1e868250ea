/// A PROXY protocol version 2 header, as HAProxy's `send-proxy-v2` writes it in front of the
/// client's bytes (haproxy's doc/proxy-protocol.txt, section 2.2): a 12-byte signature, a
/// version-and-command byte, a family-and-transport byte, a big-endian payload length, then
/// the addresses and optional TLVs.
///
/// Only the parsing lives here, with no socket and no libssh: the acceptor peeks at the first
/// bytes of a connection, asks `scan`, and reads off exactly `length` bytes once the answer is
/// a header, so that the SSH banner behind it stays in the socket for libssh.
package struct ProxyHeader: Sendable, Hashable {
    package enum Command: Sendable, Hashable {
        /// The proxy opened the connection on its own behalf (a TCP health check): no client
        /// stands behind it, and the addresses (if any) mean nothing.
        case local
        /// A relayed connection: `source` is the client the proxy accepted, `destination` the
        /// address the client connected to (the proxy's frontend).
        case proxy(source: ProxiedEndpoint, destination: ProxiedEndpoint, transport: ProxiedTransport)
    }

    package let command: Command
    /// Bytes of the whole header, signature to the last TLV: what the acceptor consumes.
    package let length: Int

    /// The v2 signature: it cannot start an SSH banner ("SSH-"), an HTTP request or v1's "PROXY ".
    package static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// The fixed part: signature, version/command, family/transport, length.
    package static let fixedLength = 16
    /// Addresses take at most 216 bytes (two UNIX paths); TLVs from HAProxy (ALPN, authority,
    /// unique id, SSL facts) stay well under 1 KiB. A bigger header is refused rather than read,
    /// so that a proxy cannot make the acceptor buffer 64 KiB per connection.
    package static let maximumPayloadLength = 1024
    package static let maximumLength = fixedLength + maximumPayloadLength

    /// Version 1's text header: never accepted, but recognised so that the refusal says so.
    static let versionOnePrefix: [UInt8] = Array("PROXY ".utf8)

    package init(command: Command, length: Int) {
        self.command = command
        self.length = length
    }
}

/// Where a relayed connection came from or went to, per the header.
package struct ProxiedEndpoint: Sendable, Hashable, CustomStringConvertible {
    package let address: IPAddress
    package let port: Int

    package init(address: IPAddress, port: Int) {
        self.address = address
        self.port = port
    }

    package var description: String {
        address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }
}

/// The transport the client used to reach the proxy.
package enum ProxiedTransport: String, Sendable, Hashable {
    case stream
    case datagram
}
