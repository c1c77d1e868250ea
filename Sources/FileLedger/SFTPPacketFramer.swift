/// Cuts one direction of an SFTP stream into packets (`uint32 length`, then that many
/// bytes). The length is bounded: OpenSSH's own limit is 256 KiB, and a length above the
/// bound means the stream is not SFTP or is lying, so framing stops for good.
struct SFTPPacketFramer {
    /// OpenSSH's SFTP_MAX_MSG_LENGTH is 256 KiB; some clients write up to 256 KiB of data
    /// plus headers.
    static let maximumPacketLength = 256 * 1024 + 1024

    private var buffer: [UInt8] = []
    private(set) var failed = false

    /// Calls `packet` for each complete packet (its bytes after the length field); returns
    /// false once the stream cannot be framed.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ packet: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard !failed else { return false }
        var input = bytes
        // A packet begun in an earlier read: complete it with just the bytes it still needs,
        // so that the rest of this read is framed in place (a relay's reads rarely end on a
        // packet boundary; copying every read whole would copy every byte twice).
        if !buffer.isEmpty {
            if buffer.count < 4 {
                let take = min(4 - buffer.count, input.count)
                buffer.append(contentsOf: input.prefix(take))
                input = UnsafeRawBufferPointer(rebasing: input[take...])
                guard buffer.count == 4 else { return true }
            }
            let length = buffer.withUnsafeBytes { Self.length($0) }
            guard length > 0, length <= Self.maximumPacketLength else { failed = true; buffer = []; return false }
            let take = min(4 + length - buffer.count, input.count)
            buffer.append(contentsOf: input.prefix(take))
            input = UnsafeRawBufferPointer(rebasing: input[take...])
            guard buffer.count == 4 + length else { return true }
            buffer.withUnsafeBytes { packet(UnsafeRawBufferPointer(rebasing: $0[4...])) }
            buffer.removeAll(keepingCapacity: true)
        }
        while input.count >= 4 {
            let length = Self.length(input)
            guard length > 0, length <= Self.maximumPacketLength else { failed = true; return false }
            guard input.count >= 4 + length else { break }
            packet(UnsafeRawBufferPointer(rebasing: input[4..<(4 + length)]))
            input = UnsafeRawBufferPointer(rebasing: input[(4 + length)...])
        }
        buffer.append(contentsOf: input)
        return true
    }

    var hasPartialPacket: Bool { !buffer.isEmpty }

    private static func length(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3]))
    }
}
