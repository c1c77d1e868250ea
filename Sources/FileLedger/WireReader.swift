/// Reads SSH wire fields (big-endian integers, length-prefixed strings) from one packet.
/// Every read is bounded by the packet: a length that lies past its end is an error, never
/// a read beyond it.
struct WireReader {
    enum Failure: Error { case truncated, tooLong }

    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    mutating func byte() throws(Failure) -> UInt8 {
        guard remaining >= 1 else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint32() throws(Failure) -> UInt32 {
        guard remaining >= 4 else { throw .truncated }
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
    }

    mutating func uint64() throws(Failure) -> UInt64 {
        let high = try uint32()
        let low = try uint32()
        return UInt64(high) << 32 | UInt64(low)
    }

    /// A length-prefixed string's bytes, lent (valid as long as the packet is).
    mutating func data() throws(Failure) -> UnsafeRawBufferPointer {
        let length = Int(try uint32())
        guard length <= remaining else { throw .truncated }
        defer { position += length }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
    }

    /// A path or name, at most `limit` bytes, invalid UTF-8 repaired (it is for humans).
    mutating func text(limit: Int = 4096) throws(Failure) -> String {
        let raw = try data()
        guard raw.count <= limit else { throw .tooLong }
        return String(decoding: raw, as: UTF8.self)
    }

    /// Skips an SFTP v3 ATTRS structure.
    mutating func skipAttributes() throws(Failure) {
        let flags = try uint32()
        if flags & 0x1 != 0 { _ = try uint64() }
        if flags & 0x2 != 0 { _ = try uint64() }
        if flags & 0x4 != 0 { _ = try uint32() }
        if flags & 0x8 != 0 { _ = try uint64() }
        if flags & 0x8000_0000 != 0 {
            let count = try uint32()
            guard count <= 1024 else { throw .tooLong }
            for _ in 0..<count {
                _ = try data()
                _ = try data()
            }
        }
    }

    /// ATTRS: the size when present (the rest skipped).
    mutating func attributesSize() throws(Failure) -> UInt64? {
        let start = position
        let flags = try uint32()
        let size: UInt64? = flags & 0x1 != 0 ? try uint64() : nil
        position = start
        try skipAttributes()
        return size
    }
}
