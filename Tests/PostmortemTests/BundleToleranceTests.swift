import Audit
import Foundation
import Postmortem
import Testing
import TestSupport

/// What the bundle must survive: a file ledger whose schema it does not know, and any bytes in
/// place of events.jsonl (a recipient verifies what an adversary may have shaped).
struct BundleToleranceTests {
    @Test func aFileLedgerTableOfAnotherShapeIsExportedWithItsOwnColumnsForTheSelectedConnectionsOnly() async throws {
        let trail = try BundleRoundTripTests.makeTrail()
        let create = """
            DROP TABLE file_transfers;
            CREATE TABLE file_transfers (id INTEGER PRIMARY KEY, connection_id TEXT, path TEXT, direction TEXT, size INTEGER, sha256 TEXT);
            INSERT INTO file_transfers (connection_id, path, direction, size, sha256) VALUES
              ('c-000000000002', '/tmp/a, "quoted".txt', 'upload', 12, 'aa'),
              ('c-000000000009', '/tmp/other.txt', 'download', 5, 'bb');
            """
        let result = try await ProcessRunner().run("sqlite3", [trail.path, create])
        try #require(result.succeeded, "\(result)")
        let (bundle, manifest) = try BundleRoundTripTests.export(trail)
        #expect(manifest.counts.fileTransfers == 1)
        let csv = try String(contentsOfFile: bundle + "/files.csv", encoding: .utf8)
        #expect(csv == "id,connection_id,path,direction,size,sha256\n1,c-000000000002,\"/tmp/a, \"\"quoted\"\".txt\",upload,12,aa\n", "\(csv)")
        #expect(BundleVerifier(directory: bundle, against: trail.store).verify().problems == [])
    }

    @Test func malformedEventLinesAreNamedNeverCrash() throws {
        let trail = try BundleRoundTripTests.makeTrail()
        let (bundle, _) = try BundleRoundTripTests.export(trail)
        let path = bundle + "/events.jsonl"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        var random = SplitMix(seed: 7)
        let variants: [(String) -> String] = [
            { _ in "" },
            { _ in "not json\n{\"id\":\"1\"}\n[1,2]\n{\"id\":1,\"link\":\"zz\",\"length\":-64,\"tail\":\"%%\"}\n" },
            { String($0.prefix($0.count / 2)) },
            { $0.replacingOccurrences(of: "\"id\":", with: "\"id\":9") },
            { $0.replacingOccurrences(of: "\"prev_hash\"", with: "\"prev\"") },
            { text in
                var bytes = Array(text.utf8)
                for _ in 0..<20 { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
                return String(decoding: bytes, as: UTF8.self)
            },
        ]
        for (index, variant) in variants.enumerated() {
            try Data(variant(original).utf8).write(to: URL(fileURLWithPath: path))
            let problems = BundleVerifier(directory: bundle).verify().problems
            #expect(!problems.isEmpty, "variant \(index) passed verification")
            #expect(problems.allSatisfy { !$0.contains("\n") }, "variant \(index): a problem spans lines")
        }
    }
}
