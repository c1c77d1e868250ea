/// A JSON value, for the kind-specific `details` of an event.
///
/// A closed enum rather than `Any` so that events stay `Sendable` and so that what is stored
/// is exactly what `CanonicalJSON` can encode deterministically.
package enum AuditValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([AuditValue])
    case object([String: AuditValue])

    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        // JSON does not distinguish 3 from 3.0; accept whole doubles from other producers.
        case .double(let value) where value.rounded() == value && abs(value) < 9e15: Int64(value)
        default: nil
        }
    }

    package var objectValue: [String: AuditValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

extension AuditValue {
    package init(_ value: Int) { self = .integer(Int64(value)) }

    /// `nil` becomes JSON `null`, so optional facts can be written without branching.
    package init(_ value: String?) { self = value.map(AuditValue.string) ?? .null }

    package init(_ dictionary: [String: String]) {
        self = .object(dictionary.mapValues(AuditValue.string))
    }
}

extension AuditValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .integer(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(floatLiteral value: Double) { self = .double(value) }
    package init(arrayLiteral elements: AuditValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, AuditValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    package init(nilLiteral: ()) { self = .null }
}

extension AuditValue: Decodable {
    /// Reads stored `details` back (for `tracegate audit show` and the JSON export).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AuditValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AuditValue].self))
        }
    }
}
