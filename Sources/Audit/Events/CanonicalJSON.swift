/// Deterministic JSON for `details` and `target_labels`: object keys sorted by their UTF-8
/// bytes, no insignificant whitespace, only the escapes JSON requires.
///
/// The chain hashes the stored text, not a re-encoding, so determinism is not needed for
/// verification; it is needed so that equal events are stored as equal text, and so that
/// auditors comparing rows or exports across the two organisations see no spurious diffs.
package enum CanonicalJSON {
    package static func encode(_ value: AuditValue) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    package static func encode(_ object: [String: AuditValue]) -> String {
        encode(.object(object))
    }

    package static func encode(_ labels: [String: String]) -> String {
        encode(.object(labels.mapValues(AuditValue.string)))
    }

    private static func append(_ value: AuditValue, to bytes: inout [UInt8]) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let flag):
            bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number):
            bytes.append(contentsOf: String(number).utf8)
        case .double(let number):
            // JSON has no NaN or infinity; `description` is Swift's shortest round-trip form.
            bytes.append(contentsOf: (number.isFinite ? number.description : "null").utf8)
        case .string(let text):
            appendString(text, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                append(members[key] ?? .null, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
            case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
            case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
            case 0x00..<0x20:
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(hexDigit(byte >> 4))
                bytes.append(hexDigit(byte & 0x0F))
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
