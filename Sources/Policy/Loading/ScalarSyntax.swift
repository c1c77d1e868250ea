/// Parsers for the scalar forms of the file that YAML itself does not type for us. The loader
/// reads every scalar as its source text, so `10.0.1.5:22` stays an address (YAML 1.1 would
/// read `1:22` as sexagesimal) and `no` stays a name.
package enum ScalarSyntax {
    /// `30s`, `5m`, `1h` or a bare number of seconds; must be positive.
    package static func duration(_ text: String) -> Duration? {
        var digits = Substring(text)
        var unit: Int64 = 1
        switch text.last {
        case "s": digits = digits.dropLast()
        case "m": digits = digits.dropLast(); unit = 60
        case "h": digits = digits.dropLast(); unit = 3600
        default: break
        }
        guard let count = positiveInteger(digits) else { return nil }
        return .seconds(Int64(count) * unit)
    }

    /// `512KiB`, `100MiB`, `2GiB` (powers of 1024; `K`, `M`, `G` alone mean the same) or a
    /// bare number of bytes; must be positive.
    static func byteSize(_ text: String) -> Int? {
        let units: [(suffix: String, shift: Int)] = [
            ("KiB", 10), ("MiB", 20), ("GiB", 30), ("TiB", 40), ("K", 10), ("M", 20), ("G", 30), ("T", 40), ("B", 0),
        ]
        var digits = Substring(text)
        var shift = 0
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            digits = digits.dropLast(unit.suffix.count)
            shift = unit.shift
        }
        guard let count = positiveInteger(digits), count <= Int.max >> shift else { return nil }
        return count << shift
    }

    /// Decimal digits only, no sign, above zero. Capped at nine digits so that no limit can
    /// overflow when converted to a duration.
    static func positiveInteger(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(text), value > 0
        else { return nil }
        return value
    }

    /// `LANG` or `LC_*`: a variable name, optionally ending in `*` to match a prefix. A lone
    /// `*` is refused: forwarding every variable would let a client set `LD_PRELOAD` upstream.
    static func isEnvironmentPattern(_ text: String) -> Bool {
        let name = text.hasSuffix("*") ? text.dropLast() : Substring(text)
        guard let first = name.utf8.first, !isDigit(first) else { return false }
        return name.utf8.allSatisfy { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "_") }
    }

    /// SSH algorithm names as in RFC 4251 section 6: printable, no spaces or commas.
    static func isAlgorithmName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.utf8.allSatisfy { isDigit($0) || isLetter($0) || "@._+-".utf8.contains($0) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
