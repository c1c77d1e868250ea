/// The SSH wire encoding (RFC 4251 §5) of the few types a certificate is made of: big-endian
/// integers and length-prefixed strings. Appends to one growing buffer.
package struct SSHWireWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func uint32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    package mutating func uint64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    package mutating func string(_ value: [UInt8]) {
        uint32(UInt32(value.count))
        bytes += value
    }

    package mutating func string(_ value: String) {
        string(Array(value.utf8))
    }

    /// A string whose content is itself written with a writer (lists, options, keys).
    package mutating func nested(_ build: (inout SSHWireWriter) -> Void) {
        var inner = SSHWireWriter()
        build(&inner)
        string(inner.bytes)
    }
}
