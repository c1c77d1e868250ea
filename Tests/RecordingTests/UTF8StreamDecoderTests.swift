import Recording
import Testing

@Suite("UTF8StreamDecoder")
struct UTF8StreamDecoderTests {
    /// 1-, 2-, 3- and 4-byte characters side by side.
    static let mixed = "a é € 𝄞 z ß 中文 🙂!"

    @Test func everySplitPointOfMultibyteTextDecodesLikeTheWhole() {
        let bytes = Array(Self.mixed.utf8)
        for split in 0...bytes.count {
            var decoder = UTF8StreamDecoder()
            let text = decoder.decode(Array(bytes[..<split])) + decoder.decode(Array(bytes[split...])) + decoder.finish()
            #expect(text == Self.mixed, "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPointsDecodesLikeTheWhole() {
        let bytes = Array("€𝄞é中🙂".utf8)
        for first in 0...bytes.count {
            for second in first...bytes.count {
                var decoder = UTF8StreamDecoder()
                let text = decoder.decode(Array(bytes[..<first])) + decoder.decode(Array(bytes[first..<second]))
                    + decoder.decode(Array(bytes[second...])) + decoder.finish()
                #expect(text == "€𝄞é中🙂", "splits at \(first), \(second)")
            }
        }
    }

    @Test func byteByByteDeliveryNeverEmitsBrokenCharacters() {
        var decoder = UTF8StreamDecoder()
        var pieces: [String] = []
        for byte in Self.mixed.utf8 { pieces.append(decoder.decode([byte])) }
        #expect(pieces.joined() == Self.mixed)
        #expect(!pieces.joined().contains("\u{FFFD}"))
    }

    @Test(arguments: [
        [0xFF] as [UInt8],
        [0x61, 0xC3, 0x28, 0x62],             // lead byte followed by a non-continuation
        [0xE2, 0x82],                         // truncated 3-byte character at the end
        [0xED, 0xA0, 0x80],                   // a UTF-16 surrogate encoded in UTF-8
        [0xC0, 0xAF],                         // overlong encoding of '/'
        [0xF4, 0x90, 0x80, 0x80],             // above U+10FFFF
        [0x80, 0x80, 0x61],                   // stray continuation bytes
        [0x61, 0xF0, 0x9F, 0x99, 0x62, 0xE2, 0x82, 0xAC],
    ])
    func invalidBytesBecomeReplacementCharactersAtEverySplit(bytes: [UInt8]) {
        let whole = String(decoding: bytes, as: UTF8.self)
        for split in 0...bytes.count {
            var decoder = UTF8StreamDecoder()
            let text = decoder.decode(Array(bytes[..<split])) + decoder.decode(Array(bytes[split...])) + decoder.finish()
            #expect(text == whole, "split at \(split)")
            #expect(text.contains("\u{FFFD}"))
        }
    }

    @Test func anIncompleteCharacterAtTheEndIsHeldThenReplacedAtFinish() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.decode([0x61, 0xF0, 0x9F]) == "a")
        #expect(decoder.hasIncompleteCharacter)
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(!decoder.hasIncompleteCharacter)
    }

    @Test func resetForgetsAHeldTail() {
        var decoder = UTF8StreamDecoder()
        _ = decoder.decode([0xE2, 0x82])
        decoder.reset()
        #expect(decoder.decode(Array("ok".utf8)) == "ok")
    }
}
