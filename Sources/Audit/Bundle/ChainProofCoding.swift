import Foundation

/// `events.jsonl`: one JSON object a line. A selected event is every column of `events` as
/// stored (`details` and `target_labels` as their stored JSON text, so the hash can be
/// recomputed byte for byte), plus `hash`. A link is `{"id", "link", "length", "tail"}`:
/// the SHA-256 state in hex, the bytes it stands for, and the leftover bytes in base64.
/// In a cluster's bundle every line starts with `"node"`: ids count each node's own chain.
package enum ChainProofCoding {
    package static func line(_ proof: ChainProofLine, node: String? = nil) -> String {
        let body = members(proof)
        guard let node else { return body }
        return "{\"node\":" + CanonicalJSON.encode(.string(node)) + "," + body.dropFirst()
    }

    private static func members(_ proof: ChainProofLine) -> String {
        switch proof {
        case .event(let event):
            let values = event.canonicalFields.map { field -> AuditValue in
                switch field {
                case .null: .null
                case .integer(let integer): .integer(integer)
                case .text(let text): .string(text)
                case .bytes(let bytes): .string(String(decoding: bytes, as: UTF8.self))
                }
            } + [.string(event.hash)]
            let members = zip(StoredEvent.hashedColumns + ["hash"], values).map { column, value in
                CanonicalJSON.encode(.string(column)) + ":" + CanonicalJSON.encode(value)
            }
            return "{" + members.joined(separator: ",") + "}"
        case .link(let link):
            return "{\"id\":\(link.id),\"link\":\"\(link.state.hex)\",\"length\":\(link.state.length),"
                + "\"tail\":\"\(Data(link.tail).base64EncodedString())\"}"
        }
    }

    package enum DecodingError: Error, CustomStringConvertible {
        case notAnObject
        case missing(String)

        package var description: String {
            switch self {
            case .notAnObject: "is not a JSON object"
            case .missing(let what): "has no valid \(what)"
            }
        }
    }

    package static func decode(_ line: Substring) throws(DecodingError) -> ChainProofLine {
        try decodeWithNode(line).line
    }

    /// The line and its node (nil: a single node's bundle, whose lines carry none).
    package static func decodeWithNode(_ line: Substring) throws(DecodingError) -> (node: String?, line: ChainProofLine) {
        guard let data = line.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw .notAnObject }
        var node: String?
        switch object["node"] {
        case nil: node = nil
        case let text as String where !text.isEmpty: node = text
        default: throw .missing("node")
        }
        return (node, try decodeObject(object))
    }

    private static func decodeObject(_ object: [String: Any]) throws(DecodingError) -> ChainProofLine {
        guard let id = integer(object["id"]) else { throw .missing("id") }
        if let stateHex = object["link"] as? String {
            guard let length = integer(object["length"]), let state = SHA256Midstate(hex: stateHex, length: Int(length))
            else { throw .missing("link state and length") }
            guard let tailText = object["tail"] as? String, let tail = Data(base64Encoded: tailText), tail.count < 64
            else { throw .missing("tail") }
            return .link(ChainLink(id: id, state: state, tail: [UInt8](tail)))
        }
        var fields: [CanonicalField] = []
        for column in StoredEvent.hashedColumns {
            switch object[column] {
            case nil: throw .missing(column)
            case is NSNull: fields.append(.null)
            case let text as String: fields.append(.text(text))
            case let value:
                guard let integer = integer(value) else { throw .missing(column) }
                fields.append(.integer(integer))
            }
        }
        guard let hash = object["hash"] as? String else { throw .missing("hash") }
        return .event(StoredEvent(fields: fields, hash: hash))
    }

    private static func integer(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber else { return nil }
        let integer = number.int64Value
        return NSNumber(value: integer) == number ? integer : nil
    }
}

extension StoredEvent {
    /// A row from its canonical fields (in `hashedColumns` order) and stored hash.
    init(fields: [CanonicalField], hash: String) {
        func text(_ index: Int) -> String? { fields[index].textValue }
        func integer(_ index: Int) -> Int64? {
            if case .integer(let value) = fields[index] { return value }
            return nil
        }
        id = integer(0) ?? 0
        time = text(1) ?? ""
        kind = text(2) ?? ""
        connectionID = text(3)
        sessionID = text(4)
        user = text(5)
        organization = text(6)
        sourceAddress = text(7)
        sourcePort = integer(8)
        clientVersion = text(9)
        keyType = text(10)
        keyFingerprint = text(11)
        target = text(12)
        targetOwner = text(13)
        targetLabels = text(14) ?? "{}"
        login = text(15)
        ticket = text(16)
        result = text(17)
        reason = text(18)
        details = text(19) ?? "{}"
        prevHash = text(20) ?? ""
        self.hash = hash
    }
}
