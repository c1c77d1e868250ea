/// Turns a byte stream that arrives in arbitrary chunks into valid text.
///
/// SSH delivers terminal output in chunks that ignore character boundaries, and asciicast
/// needs valid UTF-8 in every event. A chunk that ends inside a multibyte character keeps
/// that incomplete tail until the next chunk completes it; invalid bytes become U+FFFD, one
/// per maximal invalid subpart, the same as decoding the whole stream at once.
package struct UTF8StreamDecoder: Sendable {
    /// An incomplete but so far valid sequence: at most three bytes.
    private var tail: [UInt8] = []

    package init() {}

    package var hasIncompleteCharacter: Bool { !tail.isEmpty }

    package mutating func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        decode(bytes.assumingMemoryBound(to: UInt8.self))
    }

    package mutating func decode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    package mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if tail.isEmpty {
            let keep = Self.incompleteSuffixLength(bytes)
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<(bytes.count - keep)]), as: UTF8.self)
            if keep > 0 { tail = Array(bytes[(bytes.count - keep)...]) }
            return text
        }
        // Rare (only when a character was split), so the copy does not matter.
        let combined = tail + Array(bytes)
        tail.removeAll()
        return decode(combined)
    }

    /// Ends the stream: an incomplete character left over becomes U+FFFD.
    package mutating func finish() -> String {
        defer { tail.removeAll() }
        return tail.isEmpty ? "" : String(decoding: tail, as: UTF8.self)
    }

    /// Forgets an incomplete character, when the bytes that would complete it were lost.
    package mutating func reset() {
        tail.removeAll()
    }

    /// How many bytes at the end start a valid sequence that the chunk cuts short.
    static func incompleteSuffixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        var back = 1
        while back <= min(3, count) {
            let byte = bytes[count - back]
            if byte & 0xC0 == 0x80 {
                back += 1
                continue
            }
            let needed = sequenceLength(lead: byte)
            guard needed > back else { return 0 }
            let continuation = UnsafeBufferPointer(rebasing: bytes[(count - back + 1)...])
            return isValidPrefix(lead: byte, continuation: continuation) ? back : 0
        }
        return 0
    }

    /// 0 for a byte that cannot start a sequence.
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0x00...0x7F: 1
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 0
        }
    }

    /// The second byte's range depends on the lead (no overlong forms, no surrogates, nothing
    /// above U+10FFFF); a prefix that breaks it is invalid now and must not wait for more.
    private static func isValidPrefix(lead: UInt8, continuation: UnsafeBufferPointer<UInt8>) -> Bool {
        for (offset, byte) in continuation.enumerated() {
            let range: ClosedRange<UInt8> =
                switch (offset, lead) {
                case (0, 0xE0): 0xA0...0xBF
                case (0, 0xED): 0x80...0x9F
                case (0, 0xF0): 0x90...0xBF
                case (0, 0xF4): 0x80...0x8F
                default: 0x80...0xBF
                }
            guard range.contains(byte) else { return false }
        }
        return true
    }
}
