import Foundation
import Testing
@testable import Audit

@Suite("Output formats")
struct ExportFormatTests {
    static func render(_ format: ExportFormat, _ records: [AuditRecord], listing: AuditListing = .connections) -> [String] {
        var lines: [String] = []
        var renderer = RecordRenderer(format: format, listing: listing) { lines.append($0) }
        records.forEach { renderer.add($0) }
        renderer.finish()
        return lines
    }

    static func records() throws -> [AuditRecord] {
        let fixture = try StoreFixture()
        fixture.store.writeAll(EventFixtures.allowedExec("c-000000000001", ticket: "INC-1")
            + EventFixtures.denied("c-000000000002", user: "=HYPERLINK(\"http://evil\")", ticket: "a,b \"c\""))
        return try fixture.store.records(in: .connections, matching: AuditFilter())
    }

    @Test func tableIsAlignedWithHeadersAndShortTimes() throws {
        let records = try Self.records()
        let lines = Self.render(.table, records)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("CONNECTION_ID "))
        #expect(lines[0].utf16Offset(of: "OPENED_AT") == lines[1].utf16Offset(of: "2025-"))
        // Each column starts at the same offset on every line.
        let resultOffset = try #require(lines[0].range(of: "RESULT")).lowerBound.utf16Offset(in: lines[0])
        #expect(lines[1].utf16Offset(of: "denied") == resultOffset)
        #expect(lines[2].utf16Offset(of: "allowed") == resultOffset)
        #expect(lines[2].contains("2025-03-14T12:00:00Z"))
        #expect(!lines[2].contains(".000000Z"))
    }

    @Test func tableCutsLongCellsAndShowsADashForNothing() {
        let record = AuditRecord(columns: AuditListing.sessions.columns, values: AuditListing.sessions.columns.map {
            $0 == "command" ? .string(String(repeating: "x", count: 200) + "\nsecond line") : .null
        })
        let lines = Self.render(.table, [record], listing: .sessions)
        #expect(lines[1].contains(String(repeating: "x", count: 47) + "…"))
        #expect(lines[1].hasPrefix("-  "))
        #expect(!lines[1].contains("\n"))
    }

    @Test func jsonIsOneObjectPerLineWithEveryColumnAndNestedLabels() throws {
        let records = try Self.records()
        let lines = Self.render(.json, records)
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(AuditValueDecoding.object(fromJSON: line))
            #expect(Set(object.keys) == Set(AuditListing.connections.columns))
        }
        let allowed = try #require(AuditValueDecoding.object(fromJSON: lines[1]))
        #expect(allowed["target_labels"] == ["app": "shop", "env": "prod"])
        #expect(allowed["duration_ms"] == 6_000)
        #expect(allowed["closed_at"] == "2025-03-14T12:00:06.000000Z")
        #expect(lines[1].hasPrefix(#"{"connection_id":"c-000000000001","opened_at":"#), "columns keep their order")
    }

    @Test func csvHasAHeaderQuotesSeparatorsAndDefusesFormulas() throws {
        let records = try Self.records()
        let lines = Self.render(.csv, records)
        #expect(lines.count == 3)
        #expect(lines[0] == AuditListing.connections.columns.joined(separator: ","))
        #expect(lines[1].contains(#","a,b ""c""","#), "separators and quotes are quoted")
        #expect(lines[1].contains(#"'=HYPERLINK(""http://evil"")"#), "a formula is prefixed with '")
        #expect(lines[2].contains(",6000,"), "numbers are written as numbers")
    }

    @Test func csvOfNoRowsIsJustTheHeader() {
        #expect(Self.render(.csv, []) == [AuditListing.connections.columns.joined(separator: ",")])
        #expect(Self.render(.json, []) == [])
        #expect(Self.render(.table, []).count == 1)
    }
}

extension String {
    func utf16Offset(of needle: String) -> Int? {
        range(of: needle).map { $0.lowerBound.utf16Offset(in: self) }
    }
}
