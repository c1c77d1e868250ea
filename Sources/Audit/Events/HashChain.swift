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

    /// The same hash for a row whose middle columns are already encoded (`EventDraft`): the
    /// bytes hashed are exactly `CanonicalEncoding.encode` of the whole row, fed in three parts.
    static func hash(id: Int64, time: String, encodedBody: [UInt8], prevHash: String) -> String {
        var head: [UInt8] = []
        head.reserveCapacity(80)
        CanonicalEncoding.appendVersion(to: &head)
        CanonicalEncoding.append(.integer(id), to: &head)
        CanonicalEncoding.append(.text(time), to: &head)
        var tail: [UInt8] = []
        tail.reserveCapacity(72)
        CanonicalEncoding.append(.text(prevHash), to: &tail)
        var hasher = SHA256()
        hasher.update(data: head)
        hasher.update(data: encodedBody)
        hasher.update(data: tail)
        return hex(hasher.finalize())
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
