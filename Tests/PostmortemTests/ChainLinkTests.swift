import Audit
import Crypto
import Foundation
import Testing

struct ChainLinkTests {
    @Test func midstateFinishesToTheSameDigestAsSwiftCryptoAtEveryLengthAroundTheBlocks() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...200 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Array(SHA256.hash(data: message))
            for split in Set([0, length / 2, length]) {
                let (state, rest) = SHA256Midstate.absorbing(Array(message[..<split]))
                #expect(state.length % 64 == 0 && rest.count < 64)
                let digest = state.finishing(rest + message[split...])
                #expect(digest == expected, "length \(length), split at \(split)")
            }
        }
    }

    @Test func midstateSurvivesItsHexForm() throws {
        let (state, _) = SHA256Midstate.absorbing(Array(repeating: 7, count: 300))
        let parsed = try #require(SHA256Midstate(hex: state.hex, length: state.length))
        #expect(parsed == state)
        #expect(SHA256Midstate(hex: state.hex, length: 65) == nil)
        #expect(SHA256Midstate(hex: "zz" + state.hex.dropFirst(2), length: 64) == nil)
    }

    @Test func aLinkFinishesTheEventsHashFromThePreviousHashAndOnlyFromIt() throws {
        let previous = String(repeating: "1f", count: 32)
        let event = StoredEvent(id: 42, time: AuditTimestamp(secondsSinceEpoch: 1_700_000_000), event: .configReload(
            path: "/etc/tracegate/tracegate.yaml", sha256: String(repeating: "a", count: 64)), prevHash: previous)
        let line = ChainProofCoding.line(.event(event))
        guard case .event(let decoded) = try ChainProofCoding.decode(Substring(line)) else {
            Issue.record("an event line decoded as a link: \(line)")
            return
        }
        #expect(decoded == event)
        // The link of the same row, as the exporter builds it for an event it leaves out.
        let link = try #require(ChainLinkProbe.link(for: event))
        #expect(link.hash(after: previous) == event.hash)
        #expect(link.hash(after: String(repeating: "2f", count: 32)) != event.hash)
        let linkLine = ChainProofCoding.line(.link(link))
        #expect(try ChainProofCoding.decode(Substring(linkLine)) == .link(link))
        #expect(linkLine.utf8.count < 220, "a link line is \(linkLine.utf8.count) bytes: \(linkLine)")
    }
}

/// Links are made from stored rows by the exporter; this builds one the same way from a row's
/// canonical encoding, through the public pieces.
enum ChainLinkProbe {
    static func link(for event: StoredEvent) -> ChainLink? {
        var prefix = Array("18:tracegate.audit.v1,".utf8)
        for field in event.canonicalFields.dropLast() {
            switch field {
            case .null: prefix.append(UInt8(ascii: "~"))
            case .integer(let value): prefix += netstring(Array(String(value).utf8))
            case .text(let text): prefix += netstring(Array(text.utf8))
            case .bytes(let bytes): prefix += netstring(bytes)
            }
        }
        let (state, rest) = SHA256Midstate.absorbing(prefix)
        return ChainLink(id: event.id, state: state, tail: rest)
    }

    static func netstring(_ bytes: [UInt8]) -> [UInt8] {
        Array("\(bytes.count):".utf8) + bytes + [UInt8(ascii: ",")]
    }
}
