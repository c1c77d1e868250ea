/// Reads the SSH wire encoding from untrusted bytes: every length is checked against what is
/// left before anything is copied, so a hostile length can neither overread nor allocate.
package struct SSHWireReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    package var isAtEnd: Bool { offset == bytes.count }
    package var remaining: Int { bytes.count - offset }

    package mutating func uint32() throws(CertificateError) -> UInt32 {
        guard remaining >= 4 else { throw .malformed("truncated integer") }
        var value: UInt32 = 0
        for index in offset..<(offset + 4) { value = value << 8 | UInt32(bytes[index]) }
        offset += 4
        return value
    }

    package mutating func uint64() throws(CertificateError) -> UInt64 {
        guard remaining >= 8 else { throw .malformed("truncated integer") }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        offset += 8
        return value
    }

    package mutating func string() throws(CertificateError) -> [UInt8] {
        let length = Int(try uint32())
        guard length <= remaining else { throw .malformed("string longer than its container") }
        defer { offset += length }
        return Array(bytes[offset..<(offset + length)])
    }

    /// A string that must be printable text (an algorithm or cipher name).
    package mutating func text() throws(CertificateError) -> String {
        let raw = try string()
        guard raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { throw .malformed("name with non-printable bytes") }
        return String(decoding: raw, as: UTF8.self)
    }

    package mutating func bytes(_ count: Int) throws(CertificateError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .malformed("truncated data") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
}
