internal import GRDB

/// One column value as the hash sees it.
package enum CanonicalField: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case bytes([UInt8])

    package init(_ text: String?) { self = text.map(CanonicalField.text) ?? .null }

    package init(_ integer: Int64?) { self = integer.map(CanonicalField.integer) ?? .null }

    /// A stored value, whatever its SQLite type: verification reads rows that may have been
    /// tampered with, including their types, and must still produce bytes to compare.
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .text(real.description)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .bytes([UInt8](data))
        }
    }

    var textValue: String? {
        switch self {
        case .null: nil
        case .integer(let integer): String(integer)
        case .text(let text): text
        case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// The byte string an event's hash is computed over (documented in docs/audit-schema.md so
/// that the other organisation can verify the chain with its own tools):
///
///     netstring("tracegate.audit.v1") + field(id) + field(time) + … + field(prev_hash)
///     field(NULL)  = "~"
///     field(value) = netstring(UTF-8 text of the value; integers in decimal)
///     netstring(b) = decimal(byte count of b) ":" b ","
///
/// Netstrings make the encoding unambiguous without escaping: no choice of field contents
/// can make two different rows encode alike, and "~" (never the first byte of a netstring)
/// keeps NULL distinct from the empty string.
package enum CanonicalEncoding {
    package static let version = "tracegate.audit.v1"

    package static func encode(_ fields: [CanonicalField]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_024)
        appendVersion(to: &bytes)
        for field in fields { append(field, to: &bytes) }
        return bytes
    }

    /// Fields without the version header: a run of columns from the middle of a row, for the
    /// writer to hash between the ones it adds itself (`EventDraft`).
    static func encodeFields(_ fields: some Collection<CanonicalField>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_024)
        for field in fields { append(field, to: &bytes) }
        return bytes
    }

    static func appendVersion(to bytes: inout [UInt8]) {
        appendNetstring(version.utf8, to: &bytes)
    }

    static func append(_ field: CanonicalField, to bytes: inout [UInt8]) {
        switch field {
        case .null: bytes.append(UInt8(ascii: "~"))
        case .integer(let integer): appendNetstring(String(integer).utf8, to: &bytes)
        case .text(let text): appendNetstring(text.utf8, to: &bytes)
        case .bytes(let raw): appendNetstring(raw, to: &bytes)
        }
    }

    // Generic over the payload so that text is copied once, straight from the string's own
    // storage (this runs for every column of every event on the writer thread).
    private static func appendNetstring<Payload: Collection<UInt8>>(_ payload: Payload, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(payload.count).utf8)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: payload)
        bytes.append(UInt8(ascii: ","))
    }
}
