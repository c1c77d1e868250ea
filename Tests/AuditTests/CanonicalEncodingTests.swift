import Testing
@testable import Audit

@Suite("Canonical encoding, JSON and timestamps")
struct CanonicalEncodingTests {
    @Test func canonicalJSONSortsKeysAndEscapesOnlyWhatJSONRequires() {
        let value: AuditValue = ["b": 1, "a": ["z": true, "y": nil], "c": "quote \" backslash \\ newline \n bell \u{07} é/"]
        #expect(CanonicalJSON.encode(value)
            == #"{"a":{"y":null,"z":true},"b":1,"c":"quote \" backslash \\ newline \n bell \u0007 é/"}"#)
    }

    @Test func canonicalJSONRoundTripsThroughTheDecoder() {
        let value: [String: AuditValue] = ["n": -42, "d": 1.5, "s": "x", "list": [1, "two", false], "o": ["k": "v"]]
        #expect(AuditValueDecoding.object(fromJSON: CanonicalJSON.encode(value)) == value)
    }

    @Test func netstringsKeepNullEmptyAndNumbersApart() {
        let encoded = CanonicalEncoding.encode([.null, .text(""), .integer(22), .text("22"), .text("a,b")])
        #expect(String(decoding: encoded, as: UTF8.self) == "18:tracegate.audit.v1,~0:,2:22,2:22,3:a,b,")
    }

    @Test func aFieldBoundaryCannotBeShifted() {
        // "ab" + "c" and "a" + "bc" must hash differently even though their bytes concatenate alike.
        #expect(HashChain.hash(of: [.text("ab"), .text("c")]) != HashChain.hash(of: [.text("a"), .text("bc")]))
    }

    @Test func hashIsLowercaseHexSHA256OfTheEncoding() {
        // SHA-256 of "18:tracegate.audit.v1," computed independently with `printf … | sha256sum`.
        #expect(HashChain.hash(of: []) == "0d3b9d5175fbb78b10ad7d18c7bef9815a3bb5624e3250b321b61b09441f9258")
    }

    static let timestamps: [(AuditTimestamp, String)] = [
        (AuditTimestamp(microsecondsSinceEpoch: 0), "1970-01-01T00:00:00.000000Z"),
        (AuditTimestamp(microsecondsSinceEpoch: 1_710_417_600_123_456), "2024-03-14T12:00:00.123456Z"),
        (AuditTimestamp(microsecondsSinceEpoch: 951_782_400_000_001), "2000-02-29T00:00:00.000001Z"),
        (AuditTimestamp(microsecondsSinceEpoch: -1), "1969-12-31T23:59:59.999999Z"),
    ]

    @Test(arguments: timestamps)
    func timestampsAreFixedWidthUTCToTheMicrosecond(timestamp: AuditTimestamp, text: String) {
        #expect(timestamp.iso8601 == text)
        #expect(AuditTimestamp(iso8601: text) == timestamp)
    }

    @Test func storedTimeTextSortsInTimeOrder() {
        let times = [0, 999_999, 1_000_000, 86_400_000_000, 1_710_417_600_123_456].map {
            AuditTimestamp(microsecondsSinceEpoch: Int64($0)).iso8601
        }
        #expect(times == times.sorted())
    }

    @Test func malformedStoredTimesAreNotParsed() {
        #expect(AuditTimestamp(iso8601: "2024-02-30T00:00:00.000000Z") == nil)
        #expect(AuditTimestamp(iso8601: "2024-03-14 12:00:00") == nil)
    }

    @Test func storedEventHashCoversEveryColumn() {
        let event = AuditEvent(kind: .authAttempt, connectionID: "c-1", user: "alice", sourcePort: 22)
        let stored = StoredEvent(id: 1, time: EventFixtures.base, event: event, prevHash: HashChain.genesis)
        #expect(stored.hash == HashChain.hash(of: stored.canonicalFields))
        for index in stored.canonicalFields.indices {
            var fields = stored.canonicalFields
            fields[index] = fields[index] == .null ? .text("x") : .null
            #expect(HashChain.hash(of: fields) != stored.hash, "column \(StoredEvent.hashedColumns[index]) is hashed")
        }
    }

    @Test func everyKindHasAStableDottedNameAndASummary() {
        for kind in AuditEventKind.allCases {
            #expect(kind.rawValue.split(separator: ".").count == 2)
            #expect(kind.rawValue == kind.rawValue.lowercased())
            #expect(!kind.summary.isEmpty)
        }
        #expect(Set(AuditEventKind.allCases.map(\.rawValue)).count == AuditEventKind.allCases.count)
    }
}
