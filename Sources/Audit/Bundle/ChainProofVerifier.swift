/// Walks a bundle's `events.jsonl` from its first line to the head the manifest names:
/// recomputes each selected event's hash from its columns, finishes each link's hash from the
/// one before, and checks that every id follows the previous one. Unlike `ChainVerifier` it
/// does not stop at the first problem: a bundle's recipient wants every failure named, one
/// line each, so after a gap the walk continues from the next line's own claims.
package struct ChainProofVerifier {
    package var head: ChainHead

    package init(head: ChainHead) {
        self.head = head
    }

    package struct Outcome: Sendable {
        package var problems: [String] = []
        /// Selected events whose hash is right and that link to the next line.
        package var verifiedEvents = 0
        package var links = 0
        /// The events whose own hash is right (the linkage is reported separately).
        package var events: [StoredEvent] = []

        package init() {}
    }

    /// `lines` in file order, each with its line number, or the reason it could not be read.
    package func verify(_ lines: [(number: Int, line: Result<ChainProofLine, ChainProofCoding.DecodingError>)]) -> Outcome {
        var outcome = Outcome()
        // `lastID`: the id of the previous line, for gaps; `previous`: the hash the next line
        // continues from, nil after a gap until a selected event gives a new starting point.
        var lastID: Int64?
        var previous: ChainHead?
        for (number, decoded) in lines {
            let proof: ChainProofLine
            switch decoded {
            case .failure(let error):
                outcome.problems.append("events.jsonl line \(number) \(error)")
                previous = nil
                continue
            case .success(let line): proof = line
            }
            if let lastID, proof.id != lastID + 1 {
                let missing = proof.id - lastID - 1
                outcome.problems.append(missing > 0
                    ? "events.jsonl: \(missing == 1 ? "event \(lastID + 1) is" : "events \(lastID + 1)-\(proof.id - 1) are") "
                        + "missing before line \(number): the chain from the selection to the head is cut there"
                    : "events.jsonl line \(number): event \(proof.id) does not follow event \(lastID)")
                previous = nil
            }
            lastID = proof.id
            switch proof {
            case .event(let event):
                let computed = HashChain.hash(of: event.canonicalFields)
                if computed != event.hash {
                    outcome.problems.append("events.jsonl line \(number): event \(event.id) (\(Self.shown(event.kind))) does not match its hash: it was edited")
                } else {
                    outcome.verifiedEvents += 1
                    outcome.events.append(event)
                }
                if let previous, event.prevHash != previous.hash {
                    outcome.problems.append("events.jsonl line \(number): event \(event.id)'s prev_hash is not the hash of event \(previous.id)")
                }
                // Whatever the line claims, the next one must follow from what was hashed.
                previous = ChainHead(id: event.id, hash: computed)
            case .link(let link):
                outcome.links += 1
                if number == lines.first?.number {
                    outcome.problems.append("events.jsonl line \(number): the proof starts with a link, not with a selected event")
                }
                previous = previous.map { ChainHead(id: link.id, hash: link.hash(after: $0.hash)) }
            }
        }
        guard head.id > 0 else { return outcome }
        guard let last = previous else {
            if lines.isEmpty { return outcome }
            outcome.problems.append("events.jsonl: the chain does not reach the head (event \(head.id))")
            return outcome
        }
        if last.id != head.id {
            outcome.problems.append("events.jsonl ends at event \(last.id), not at the head in the manifest (event \(head.id))")
        } else if last.hash != head.hash {
            outcome.problems.append("events.jsonl: the chain reaches event \(head.id) with hash \(Self.shown(last.hash)), not the head in the manifest (\(Self.shown(head.hash)))")
        }
        return outcome
    }

    /// Text the bundle's sender chose, in a problem line: as it is when it is short and plain,
    /// else escaped and cut, so that each problem stays one line of bounded length.
    private static func shown(_ text: String) -> String {
        let limit = 80
        let plain = text.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: false
            default: true
            }
        }
        if plain && text.count <= limit { return text }
        return String(text.prefix(limit)).debugDescription + (text.count > limit ? "…" : "")
    }
}
