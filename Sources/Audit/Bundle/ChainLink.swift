/// An event of the chain that a bundle does not show but must pass through, between its first
/// selected event and the head: the SHA-256 state after the event's columns up to (without)
/// `prev_hash`, and the bytes left over. `hash(after:)` finishes the hash with the previous
/// event's hash, so the chain can be walked to the head without the event's contents
/// (docs/postmortem-bundle.md, "Chain proof").
package struct ChainLink: Sendable, Hashable {
    package var id: Int64
    package var state: SHA256Midstate
    /// The encoded columns after `state.length` bytes, before `prev_hash`: fewer than 64.
    package var tail: [UInt8]

    package init(id: Int64, state: SHA256Midstate, tail: [UInt8]) {
        self.id = id
        self.state = state
        self.tail = tail
    }

    /// The link of a stored row, read raw (`fields` in `StoredEvent.hashedColumns` order).
    init(id: Int64, fields: [CanonicalField]) {
        let prefix = CanonicalEncoding.encode(Array(fields.dropLast()))
        let (state, rest) = SHA256Midstate.absorbing(prefix)
        self.init(id: id, state: state, tail: rest)
    }

    /// The link of an event read as text (another engine's copy of the chain): its canonical
    /// fields are the stored row's, so the link finishes to the same hash.
    package init(event: StoredEvent) {
        self.init(id: event.id, fields: event.canonicalFields)
    }

    /// This event's hash if the event before it has hash `previous`.
    package func hash(after previous: String) -> String {
        var rest = tail
        CanonicalEncoding.append(.text(previous), to: &rest)
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in state.finishing(rest) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// One line of a bundle's `events.jsonl`, in id order from the first selected event to the head.
package enum ChainProofLine: Sendable, Hashable {
    /// A selected event, every hashed column as stored, with its hash.
    case event(StoredEvent)
    /// An event the selection does not include.
    case link(ChainLink)

    package var id: Int64 {
        switch self {
        case .event(let event): event.id
        case .link(let link): link.id
        }
    }
}
