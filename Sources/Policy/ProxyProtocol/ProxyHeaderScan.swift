/// What the first bytes of a connection say about a PROXY protocol header.
package enum ProxyHeaderScan: Sendable, Hashable {
    /// The bytes cannot begin a PROXY header (an SSH banner, say): nothing to consume.
    case absent
    /// They may begin one; at least `needed` bytes in all are required to say more.
    case incomplete(needed: Int)
    /// A complete, valid header of `header.length` bytes starts the input.
    case header(ProxyHeader)
    /// A PROXY header starts the input but cannot be used.
    case invalid(ProxyHeaderError)
}

/// Why a PROXY header is refused. The raw code goes into logs and the audit trail.
package enum ProxyHeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text header of version 1 ("PROXY TCP4 …"): HAProxy's `send-proxy-v2` never sends it.
    case versionOne
    case unsupportedVersion(UInt8)
    case unknownCommand(UInt8)
    /// PROXY with AF_UNSPEC or AF_UNIX: there is no client address to audit.
    case unsupportedFamily(UInt8)
    /// A transport nibble other than stream or datagram, for an IP family.
    case unsupportedTransport(UInt8)
    /// The declared payload exceeds `ProxyHeader.maximumPayloadLength`.
    case tooLong(Int)
    /// The payload is shorter than the family's addresses.
    case addressesTruncated(needed: Int, got: Int)
    /// A TLV runs past the end of the payload.
    case malformedTLV(offset: Int)

    package var code: String {
        switch self {
        case .versionOne: "version_1"
        case .unsupportedVersion: "unsupported_version"
        case .unknownCommand: "unknown_command"
        case .unsupportedFamily: "unsupported_family"
        case .unsupportedTransport: "unsupported_transport"
        case .tooLong: "too_long"
        case .addressesTruncated: "addresses_truncated"
        case .malformedTLV: "malformed_tlv"
        }
    }

    package var description: String {
        switch self {
        case .versionOne: "a PROXY protocol version 1 (text) header; only version 2 is accepted"
        case .unsupportedVersion(let version): "PROXY protocol version \(version); only version 2 is accepted"
        case .unknownCommand(let command): "unknown PROXY command \(command)"
        case .unsupportedFamily(let family): "address family \(family) carries no IP client address"
        case .unsupportedTransport(let transport): "unknown transport \(transport)"
        case .tooLong(let length):
            "a payload of \(length) bytes, more than the \(ProxyHeader.maximumPayloadLength) accepted"
        case .addressesTruncated(let needed, let got): "addresses need \(needed) bytes, the payload has \(got)"
        case .malformedTLV(let offset): "a TLV at payload offset \(offset) runs past the header"
        }
    }
}

extension ProxyHeader {
    /// Reads a header from the start of `bytes`, which may hold fewer bytes than the header
    /// (the answer is then `incomplete`) or more (the SSH bytes behind it, left alone).
    /// Total for any input: every index is checked before it is read.
    package static func scan(_ bytes: [UInt8]) -> ProxyHeaderScan {
        if let early = matchSignature(bytes) { return early }
        guard bytes.count >= fixedLength else { return .incomplete(needed: fixedLength) }
        let version = bytes[12] >> 4
        let commandBits = bytes[12] & 0x0F
        guard version == 2 else { return .invalid(.unsupportedVersion(version)) }
        guard commandBits <= 1 else { return .invalid(.unknownCommand(commandBits)) }
        let payloadLength = Int(bytes[14]) << 8 | Int(bytes[15])
        guard payloadLength <= maximumPayloadLength else { return .invalid(.tooLong(payloadLength)) }
        let length = fixedLength + payloadLength
        guard bytes.count >= length else { return .incomplete(needed: length) }
        let payload = Array(bytes[fixedLength..<length])
        // LOCAL: the receiver must ignore the addresses (HAProxy sends AF_UNSPEC and none).
        if commandBits == 0 { return .header(ProxyHeader(command: .local, length: length)) }
        let family = bytes[13] >> 4
        let transportBits = bytes[13] & 0x0F
        let addressLength: Int
        switch family {
        case 1: addressLength = 12
        case 2: addressLength = 36
        default: return .invalid(.unsupportedFamily(family))
        }
        let transport: ProxiedTransport
        switch transportBits {
        case 1: transport = .stream
        case 2: transport = .datagram
        default: return .invalid(.unsupportedTransport(transportBits))
        }
        guard payload.count >= addressLength else {
            return .invalid(.addressesTruncated(needed: addressLength, got: payload.count))
        }
        if let offset = firstMalformedTLV(in: payload, from: addressLength) { return .invalid(.malformedTLV(offset: offset)) }
        let width = addressLength == 12 ? 4 : 16
        guard let source = IPAddress(bytes: Array(payload[0..<width])),
              let destination = IPAddress(bytes: Array(payload[width..<(2 * width)])) else {
            return .invalid(.unsupportedFamily(family))
        }
        let sourcePort = Int(payload[2 * width]) << 8 | Int(payload[2 * width + 1])
        let destinationPort = Int(payload[2 * width + 2]) << 8 | Int(payload[2 * width + 3])
        return .header(ProxyHeader(
            command: .proxy(source: ProxiedEndpoint(address: source, port: sourcePort),
                            destination: ProxiedEndpoint(address: destination, port: destinationPort),
                            transport: transport),
            length: length))
    }

    /// `absent`, `incomplete` or `invalid(.versionOne)` while the bytes are not yet, or never,
    /// a v2 signature; nil once the whole v2 signature is there.
    private static func matchSignature(_ bytes: [UInt8]) -> ProxyHeaderScan? {
        let v2 = isPrefix(bytes, of: signature)
        if v2 == .complete { return nil }
        if v2 == .partial { return .incomplete(needed: signature.count) }
        switch isPrefix(bytes, of: versionOnePrefix) {
        case .complete: return .invalid(.versionOne)
        case .partial: return .incomplete(needed: versionOnePrefix.count)
        case .mismatch: return .absent
        }
    }

    private enum PrefixMatch { case complete, partial, mismatch }

    private static func isPrefix(_ bytes: [UInt8], of pattern: [UInt8]) -> PrefixMatch {
        let compared = min(bytes.count, pattern.count)
        guard bytes.prefix(compared).elementsEqual(pattern.prefix(compared)) else { return .mismatch }
        return compared == pattern.count ? .complete : .partial
    }

    /// TLVs are skipped (the gateway needs none), but their framing must hold: a header whose
    /// last TLV overruns it was not written by a working proxy.
    private static func firstMalformedTLV(in payload: [UInt8], from start: Int) -> Int? {
        var offset = start
        while offset < payload.count {
            guard offset + 3 <= payload.count else { return offset }
            let valueLength = Int(payload[offset + 1]) << 8 | Int(payload[offset + 2])
            guard offset + 3 + valueLength <= payload.count else { return offset }
            offset += 3 + valueLength
        }
        return nil
    }
}
