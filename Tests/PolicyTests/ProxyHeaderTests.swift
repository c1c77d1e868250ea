import Policy
import Testing

/// The PROXY protocol v2 parser, byte by byte as HAProxy's doc/proxy-protocol.txt lays it out.
@Suite("PROXY protocol v2 header")
struct ProxyHeaderTests {
    /// A v2 header: `command` 0 LOCAL / 1 PROXY, `family` high nibble and transport low nibble.
    static func header(command: UInt8 = 1, familyAndTransport: UInt8 = 0x11, payload: [UInt8], version: UInt8 = 2,
                       declaredLength: Int? = nil) -> [UInt8] {
        let length = declaredLength ?? payload.count
        return ProxyHeader.signature + [version << 4 | command, familyAndTransport, UInt8(length >> 8), UInt8(length & 0xFF)]
            + payload
    }

    static let ipv4Payload: [UInt8] = [192, 0, 2, 7, 10, 0, 0, 5, 0xC3, 0x50, 0x08, 0xAE]  // :50000 -> :2222

    @Test func anIPv4TCPHeaderNamesTheClientAndLeavesTheSSHBytesBehindIt() throws {
        let bytes = Self.header(payload: Self.ipv4Payload) + Array("SSH-2.0-OpenSSH_9.2\r\n".utf8)
        guard case .header(let header) = ProxyHeader.scan(bytes) else { Issue.record("\(ProxyHeader.scan(bytes))"); return }
        #expect(header.length == 28)
        guard case .proxy(let source, let destination, let transport) = header.command else { Issue.record("\(header)"); return }
        #expect(source.description == "192.0.2.7:50000")
        #expect(destination.description == "10.0.0.5:2222")
        #expect(transport == .stream)
    }

    @Test func anIPv6UDPHeaderIsRead() throws {
        var payload = try #require(IPAddress(parsing: "2001:db8::7")).bytes
        payload += try #require(IPAddress(parsing: "2001:db8::1")).bytes
        payload += [0x01, 0x00, 0x00, 0x16]
        guard case .header(let header) = ProxyHeader.scan(Self.header(familyAndTransport: 0x22, payload: payload)),
              case .proxy(let source, let destination, let transport) = header.command else {
            Issue.record("not a header"); return
        }
        #expect(source.description == "[2001:db8::7]:256")
        #expect(destination.description == "[2001:db8::1]:22")
        #expect(transport == .datagram)
    }

    @Test func localCarriesNoClientAndIgnoresItsFamily() {
        let bytes = Self.header(command: 0, familyAndTransport: 0x00, payload: [])
        #expect(ProxyHeader.scan(bytes) == .header(ProxyHeader(command: .local, length: 16)))
    }

    @Test func tlvsAreSkippedWhenWellFramed() {
        // PP2_TYPE_ALPN "h2", then a NOOP of length 0.
        let payload = Self.ipv4Payload + [0x01, 0x00, 0x02, 0x68, 0x32, 0x04, 0x00, 0x00]
        guard case .header(let header) = ProxyHeader.scan(Self.header(payload: payload)) else { Issue.record("not read"); return }
        #expect(header.length == 16 + payload.count)
    }

    @Test func aTLVThatOverrunsTheHeaderIsRefused() {
        let payload = Self.ipv4Payload + [0x01, 0x00, 0x09, 0x68]
        #expect(ProxyHeader.scan(Self.header(payload: payload)) == .invalid(.malformedTLV(offset: 12)))
        #expect(ProxyHeader.scan(Self.header(payload: Self.ipv4Payload + [0x01, 0x00])) == .invalid(.malformedTLV(offset: 12)))
    }

    @Test func sshAndOtherBytesAreNoHeader() {
        #expect(ProxyHeader.scan(Array("SSH-2.0-OpenSSH_9.2\r\n".utf8)) == .absent)
        #expect(ProxyHeader.scan(Array("S".utf8)) == .absent)
        #expect(ProxyHeader.scan([0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0B]) == .absent)
    }

    @Test func aPartialHeaderAsksForMore() {
        #expect(ProxyHeader.scan([]) == .incomplete(needed: 12))
        #expect(ProxyHeader.scan([0x0D, 0x0A, 0x0D]) == .incomplete(needed: 12))
        #expect(ProxyHeader.scan(ProxyHeader.signature + [0x21]) == .incomplete(needed: 16))
        let whole = Self.header(payload: Self.ipv4Payload)
        #expect(ProxyHeader.scan(Array(whole.prefix(20))) == .incomplete(needed: 28))
        #expect(ProxyHeader.scan(Array("PROX".utf8)) == .incomplete(needed: 6))
    }

    @Test func versionOneAndUnknownVersionsOrCommandsAreRefused() {
        #expect(ProxyHeader.scan(Array("PROXY TCP4 192.0.2.7 10.0.0.5 50000 2222\r\n".utf8)) == .invalid(.versionOne))
        #expect(ProxyHeader.scan(Self.header(payload: Self.ipv4Payload, version: 1)) == .invalid(.unsupportedVersion(1)))
        #expect(ProxyHeader.scan(Self.header(command: 2, payload: Self.ipv4Payload)) == .invalid(.unknownCommand(2)))
    }

    @Test func proxyWithoutAnIPClientIsRefused() {
        #expect(ProxyHeader.scan(Self.header(familyAndTransport: 0x00, payload: [])) == .invalid(.unsupportedFamily(0)))
        let unix = [UInt8](repeating: 0x41, count: 216)
        #expect(ProxyHeader.scan(Self.header(familyAndTransport: 0x31, payload: unix)) == .invalid(.unsupportedFamily(3)))
        #expect(ProxyHeader.scan(Self.header(familyAndTransport: 0x10, payload: Self.ipv4Payload)) == .invalid(.unsupportedTransport(0)))
    }

    @Test func lengthsAreBounded() {
        // The declared length is refused before any of the payload is awaited.
        let huge = Self.header(payload: [], declaredLength: 0xFFFF)
        #expect(ProxyHeader.scan(huge) == .invalid(.tooLong(0xFFFF)))
        let limit = Self.header(payload: Self.ipv4Payload + [0xEE, 0x03, 0xF1] + [UInt8](repeating: 0, count: 1009))
        guard case .header(let header) = ProxyHeader.scan(limit) else { Issue.record("the limit itself is accepted"); return }
        #expect(header.length == ProxyHeader.maximumLength)
        #expect(ProxyHeader.scan(Self.header(payload: Array(Self.ipv4Payload.prefix(8)))) == .invalid(.addressesTruncated(needed: 12, got: 8)))
    }

    @Test func everyTruncationOfAValidHeaderIsIncompleteNeverATrap() {
        let whole = Self.header(payload: Self.ipv4Payload + [0x01, 0x00, 0x02, 0x68, 0x32])
        for count in 0..<whole.count {
            guard case .incomplete(let needed) = ProxyHeader.scan(Array(whole.prefix(count))) else {
                Issue.record("prefix of \(count) bytes"); continue
            }
            #expect(needed > count)
        }
    }
}
