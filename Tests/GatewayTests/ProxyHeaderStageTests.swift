import Foundation
@testable import Gateway
import Policy
import SSH
import Testing

/// The acceptor's header stage on real sockets (a socketpair stands for an accepted TCP
/// connection): what it consumes, what it leaves for libssh, and what it refuses.
@Suite("Gateway: the PROXY header stage")
struct ProxyHeaderStageTests {
    /// One connection: `peer` writes as the client or proxy would; `socket` is the accepted side.
    private struct Connection {
        let socket: AcceptedSocket
        let peer: Int32

        init(address: String = "10.0.0.5", port: Int = 33000) throws {
            var descriptors: [Int32] = [0, 0]
            try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0)
            socket = AcceptedSocket(descriptor: descriptors[0], address: address, port: port)
            peer = descriptors[1]
        }

        func send(_ bytes: [UInt8]) {
            _ = bytes.withUnsafeBytes { Foundation.send(peer, $0.baseAddress, $0.count, 0) }
        }

        /// What is left in the accepted socket for libssh.
        func remaining() -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(socket.descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            return count > 0 ? Array(buffer.prefix(count)) : []
        }

        func close() {
            Foundation.close(socket.descriptor)
            Foundation.close(peer)
        }
    }

    private static let banner = Array("SSH-2.0-OpenSSH_9.2\r\n".utf8)

    private static func header(source: [UInt8] = [192, 0, 2, 7], port: UInt16 = 50000, command: UInt8 = 0x21) -> [UInt8] {
        if command == 0x20 { return ProxyHeader.signature + [0x20, 0x00, 0x00, 0x00] }
        return ProxyHeader.signature + [command, 0x11, 0x00, 0x0C] + source + [10, 0, 0, 5]
            + [UInt8(port >> 8), UInt8(port & 0xFF), 0x08, 0xAE]
    }

    @Test func aTrustedHeaderIsConsumedExactlyAndNamesTheClient() throws {
        let connection = try Connection()
        defer { connection.close() }
        let stage = ProxyHeaderStage()
        stage.add(connection.socket, trusted: true, timeout: .seconds(3))
        connection.send(Self.header() + Self.banner)
        guard case .ready(let socket, let via, let fromTrustedProxy)? = stage.inspect(connection.socket.descriptor) else {
            Issue.record("not ready"); return
        }
        #expect(socket.address == "192.0.2.7" && socket.port == 50000 && socket.descriptor == connection.socket.descriptor)
        #expect(via == "10.0.0.5:33000" && fromTrustedProxy)
        #expect(connection.remaining() == Self.banner, "the SSH bytes stay for libssh")
        #expect(stage.descriptors.isEmpty)
    }

    @Test func aHeaderInPiecesIsAwaitedThenRead() throws {
        let connection = try Connection()
        defer { connection.close() }
        let stage = ProxyHeaderStage()
        stage.add(connection.socket, trusted: true, timeout: .seconds(3))
        let whole = Self.header(source: [198, 51, 100, 1])
        // Inside the signature, inside the fixed part, inside the addresses.
        for piece in [0..<5, 5..<14, 14..<22] {
            connection.send(Array(whole[piece]))
            #expect(stage.inspect(connection.socket.descriptor) == nil, "still waiting after \(piece.upperBound) bytes")
        }
        connection.send(Array(whole[22...]) + Self.banner)
        guard case .ready(let socket, _, _)? = stage.inspect(connection.socket.descriptor) else { Issue.record("not ready"); return }
        #expect(socket.address == "198.51.100.1")
        #expect(connection.remaining() == Self.banner)
    }

    @Test func aDirectClientIsHandedOnUntouched() throws {
        let connection = try Connection(address: "203.0.113.9")
        defer { connection.close() }
        let stage = ProxyHeaderStage()
        stage.add(connection.socket, trusted: false, timeout: .seconds(3))
        connection.send(Self.banner)
        guard case .ready(let socket, let via, let fromTrustedProxy)? = stage.inspect(connection.socket.descriptor) else {
            Issue.record("not ready"); return
        }
        #expect(socket.address == "203.0.113.9" && via == nil && !fromTrustedProxy)
        #expect(connection.remaining() == Self.banner)
    }

    @Test func anUntrustedHeaderIsRefusedWithWhatItClaimed() throws {
        let connection = try Connection(address: "203.0.113.9")
        defer { connection.close() }
        let stage = ProxyHeaderStage()
        stage.add(connection.socket, trusted: false, timeout: .seconds(3))
        connection.send(Self.header() + Self.banner)
        guard case .refused(let socket, let refusal, false)? = stage.inspect(connection.socket.descriptor) else {
            Issue.record("not refused"); return
        }
        #expect(socket.address == "203.0.113.9")
        #expect(refusal.code == .untrustedHeader && refusal.claimedSource?.description == "192.0.2.7:50000")
    }

    @Test func aTrustedProxyMustSendAHeader() throws {
        let stage = ProxyHeaderStage()
        let banner = try Connection()
        defer { banner.close() }
        stage.add(banner.socket, trusted: true, timeout: .seconds(3))
        banner.send(Self.banner)
        guard case .refused(_, let refusal, true)? = stage.inspect(banner.socket.descriptor) else { Issue.record("not refused"); return }
        #expect(refusal.code == .missingHeader)

        let invalid = try Connection()
        defer { invalid.close() }
        stage.add(invalid.socket, trusted: true, timeout: .seconds(3))
        invalid.send(Array("PROXY TCP4 192.0.2.7 10.0.0.5 50000 2222\r\n".utf8))
        guard case .refused(_, let second, true)? = stage.inspect(invalid.socket.descriptor) else { Issue.record("not refused"); return }
        #expect(second.code == .invalidHeader && second.headerError == .versionOne)

        let closed = try Connection()
        stage.add(closed.socket, trusted: true, timeout: .seconds(3))
        closed.send(Array(Self.header().prefix(9)))
        _ = stage.inspect(closed.socket.descriptor)
        Foundation.close(closed.peer)
        guard case .refused(_, let third, true)? = stage.inspect(closed.socket.descriptor) else { Issue.record("not refused"); return }
        #expect(third.code == .missingHeader && third.detail.contains("closed"))
        Foundation.close(closed.socket.descriptor)
    }

    @Test func localFromATrustedProxyIsTheProxyItself() throws {
        let connection = try Connection()
        defer { connection.close() }
        let stage = ProxyHeaderStage()
        stage.add(connection.socket, trusted: true, timeout: .seconds(3))
        connection.send(Self.header(command: 0x20) + Self.banner)
        guard case .ready(let socket, let via, true)? = stage.inspect(connection.socket.descriptor) else { Issue.record("not ready"); return }
        #expect(socket.address == "10.0.0.5" && via == nil)
        #expect(connection.remaining() == Self.banner)
    }

    @Test func deadlinesDecideTheSilent() throws {
        let trusted = try Connection()
        let direct = try Connection(address: "203.0.113.9")
        defer { trusted.close(); direct.close() }
        let stage = ProxyHeaderStage()
        let start = ContinuousClock.now
        stage.add(trusted.socket, trusted: true, timeout: .seconds(3), now: start)
        stage.add(direct.socket, trusted: false, timeout: .milliseconds(500), now: start)
        #expect(stage.nextDeadline == start + .milliseconds(500))
        #expect(stage.expire(now: start + .milliseconds(100)).isEmpty)
        let first = stage.expire(now: start + .seconds(1))
        guard case .ready(let socket, nil, false)? = first.first, first.count == 1 else { Issue.record("\(first)"); return }
        #expect(socket.address == "203.0.113.9", "a silent direct client goes on to libssh, which has its own deadline")
        let second = stage.expire(now: start + .seconds(4))
        guard case .refused(_, let refusal, true)? = second.first, second.count == 1 else { Issue.record("\(second)"); return }
        #expect(refusal.code == .missingHeader)
        #expect(stage.descriptors.isEmpty)
    }
}
