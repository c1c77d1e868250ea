import ClusterStore
import Foundation
import Testing

/// Where the password comes from: the file's first line, else the environment, else none;
/// and it never shows in the endpoint's description.
@Suite struct PostgresEndpointTests {
    private let url = "postgresql://tracegate@127.0.0.1:5432/tracegate"

    @Test func thePasswordFileWinsAndOnlyItsFirstLineCounts() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tg-pw-\(UUID().uuidString)").path
        try Data("from-file  \nsecond line\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let endpoint = try PostgresEndpoint.resolve(url: url, passwordFile: path, environmentVariable: "PW",
                                                    environment: ["PW": "from-environment"])
        #expect(endpoint.description == "\(url) (password set)")
        #expect(!"\(endpoint)".contains("from-file"))
    }

    @Test func theEnvironmentServesWithoutAFileAndNothingIsNoPassword() throws {
        #expect(try PostgresEndpoint.resolve(url: url, passwordFile: nil, environmentVariable: "PW",
                                             environment: ["PW": "from-environment"]).description == "\(url) (password set)")
        #expect(try PostgresEndpoint.resolve(url: url, passwordFile: nil, environmentVariable: "PW",
                                             environment: [:]).description == "\(url) (no password)")
    }

    @Test func anUnreadablePasswordFileIsNamed() {
        #expect {
            try PostgresEndpoint.resolve(url: url, passwordFile: "/nonexistent/pw", environmentVariable: "PW", environment: [:])
        } throws: { error in
            "\(error)".hasPrefix("cannot read the PostgreSQL password file /nonexistent/pw: ")
        }
    }
}
