import Testing
@testable import Audit

@Suite("Connection and session ids")
struct AuditIdentifierTests {
    @Test func anIdIsThePrefixThenEightHexDigitsOfSecondsThenEightOfSequence() {
        let time = AuditTimestamp(microsecondsSinceEpoch: 1_796_000_000_123_456)
        let id = AuditIdentifier.make(prefix: "c-", at: time, sequence: 0xAB)
        #expect(id == "c-" + "6b0cc900" + "000000ab")
    }

    @Test func idsMadeLaterSortAfterEarlierOnes() {
        // What keeps the id indexes append-mostly: text order is time order across seconds.
        var ids: [String] = []
        for second in stride(from: Int64(1_700_000_000), to: 1_700_000_000 + 5 * 86_400, by: 3_607) {
            let time = AuditTimestamp(microsecondsSinceEpoch: second * 1_000_000)
            ids.append(AuditIdentifier.make(prefix: "s-", at: time, sequence: UInt32(truncatingIfNeeded: second &* 2_654_435_761)))
        }
        #expect(ids == ids.sorted())
    }

    @Test func manyIdsInTheSameSecondAreAllDifferent() {
        let time = AuditTimestamp.now()
        let ids = (0..<100_000).map { _ in AuditIdentifier.make(prefix: "c-", at: time) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 18 && $0.dropFirst(2).allSatisfy(\.isHexDigit) })
    }
}
