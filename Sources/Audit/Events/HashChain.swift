internal import Crypto

/// The tamper-evident link between events: `hash = SHA-256(canonical encoding)`, where the
/// encoding ends with the previous event's hash, so that any change to an earlier row
/// changes every later hash. Hashes are lowercase hex (64 characters).
package enum HashChain {
    /// `prev_hash` of the first event.
    package static let genesis = String(repeating: "0", count: 64)

    package static func hash(of fields: [CanonicalField]) -> String {
        hex(SHA256.hash(data: CanonicalEncoding.encode(fields)))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The last event of the chain: where the next one attaches.
package struct ChainHead: Sendable, Hashable {
    package var id: Int64
    package var hash: String

    /// The head of an empty trail: the first event gets id 1 and `prev_hash` = genesis.
    package static let empty = ChainHead(id: 0, hash: HashChain.genesis)

    package init(id: Int64, hash: String) {
        self.id = id
        self.hash = hash
    }
}
