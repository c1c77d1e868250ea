/// A network written as `ADDRESS/PREFIX` (`10.0.0.0/8`, `2001:db8::/32`), or a single address.
package struct CIDR: Hashable, Sendable, CustomStringConvertible {
    package let network: IPAddress
    package let prefixLength: Int

    /// Host bits must be zero: `10.0.0.1/8` is far more often a typo than an intent, and
    /// accepting it would silently widen a rule to the whole /8.
    package init(parsing text: String) throws(CIDRError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, !text.contains("%"), let network = IPAddress(parsing: String(parts[0])) else {
            throw .invalidAddress
        }
        let bits = network.bytes.count * 8
        var prefixLength = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(digits), value <= bits
            else { throw .invalidPrefix(maximum: bits) }
            prefixLength = value
        }
        let masked = Self.mask(network.bytes, prefixLength: prefixLength)
        guard masked == network.bytes else {
            throw .hostBitsSet(network: "\(IPAddress(bytes: masked)?.description ?? "")/\(prefixLength)")
        }
        self.network = network
        self.prefixLength = prefixLength
    }

    /// An IPv4 network also holds the IPv4-mapped IPv6 form of its addresses.
    package func contains(_ address: IPAddress) -> Bool {
        var candidate = address
        if network.isIPv4, !address.isIPv4, let unmapped = address.unmappedIPv4 { candidate = unmapped }
        guard candidate.bytes.count == network.bytes.count else { return false }
        return Self.mask(candidate.bytes, prefixLength: prefixLength) == network.bytes
    }

    package var description: String {
        prefixLength == network.bytes.count * 8 ? network.description : "\(network)/\(prefixLength)"
    }

    private static func mask(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(prefixLength - index * 8, 0), 8)
            return kept == 0 ? 0 : byte & ~(UInt8(0xff) >> UInt8(kept))
        }
    }
}

package enum CIDRError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress
    case invalidPrefix(maximum: Int)
    case hostBitsSet(network: String)

    package var description: String {
        switch self {
        case .invalidAddress: return "expected an IPv4 or IPv6 address, optionally followed by /PREFIX"
        case .invalidPrefix(let maximum): return "the prefix length must be a number from 0 to \(maximum)"
        case .hostBitsSet(let network): return "host bits are set; the network is \(network)"
        }
    }
}
