import Foundation
import Policy
import Testing

@Suite("PinnedHostKeys")
struct PinnedHostKeysTests {
    private func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func missingFileIsEmpty() throws {
        let directory = try TemporaryDirectory()

        let pins = try PinnedHostKeys.load(path: directory.file("known_hosts"))

        #expect(pins == PinnedHostKeys())
        #expect(pins.pin(for: "web-01") == nil)
    }

    @Test func appendsLoadsAndReplaces() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("known_hosts")
        let first = try AuthorizedKey(line: try SSHKeygen.publicKeyLine(type: "ed25519", comment: "root@web-01", in: directory))
        let second = try AuthorizedKey(line: try SSHKeygen.publicKeyLine(type: "ecdsa", bits: 256, comment: "root@db-01", in: directory))
        let rotated = try AuthorizedKey(line: try SSHKeygen.publicKeyLine(type: "rsa", bits: 2048, comment: "new", in: directory))

        try PinnedHostKeys.append(target: "web-01", key: first, to: path)
        try PinnedHostKeys.append(target: "db-01", key: second, to: path)
        let loaded = try PinnedHostKeys.load(path: path)

        #expect(loaded.pin(for: "web-01") == first)
        #expect(loaded.pin(for: "db-01") == second)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == """
            web-01 ssh-ed25519 \(first.base64)
            db-01 ecdsa-sha2-nistp256 \(second.base64)

            """)

        try PinnedHostKeys.append(target: "web-01", key: rotated, to: path)
        let replaced = try PinnedHostKeys.load(path: path)

        #expect(replaced.pin(for: "web-01") == rotated)
        #expect(replaced.pin(for: "db-01") == second)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == """
            db-01 ecdsa-sha2-nistp256 \(second.base64)
            web-01 ssh-rsa \(rotated.base64)

            """)
    }

    @Test func fileIsPrivateEvenWhenItWasNot() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("known_hosts", "# pins\nweb-02 \(SyntheticKey.line(seed: 2))\n")
        #expect(chmod(path, 0o644) == 0)

        try PinnedHostKeys.append(target: "web-01", key: try AuthorizedKey(line: SyntheticKey.line(seed: 1)), to: path)

        #expect(try mode(of: path) == 0o600)
        let pins = try PinnedHostKeys.load(path: path)
        #expect(pins.pins.keys.sorted() == ["web-01", "web-02"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# pins\n"))
    }

    @Test func createsAMissingStateDirectoryPrivately() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("state/known_hosts")

        try PinnedHostKeys.append(target: "web-01", key: try AuthorizedKey(line: SyntheticKey.line(seed: 1)), to: path)

        #expect(try mode(of: path) == 0o600)
        #expect(try mode(of: directory.file("state")) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("state")) == ["known_hosts"])
    }

    @Test func rejectsAnInvalidTargetName() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("known_hosts")

        #expect(throws: PinnedHostKeysError.self) {
            try PinnedHostKeys.append(target: "web 01", key: try AuthorizedKey(line: SyntheticKey.line(seed: 1)), to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: [
        ("web-01\n", 1, "expected TARGETNAME TYPE BASE64"),
        ("# c\nweb-01 \(SyntheticKey.line(seed: 1))\nweb-01 \(SyntheticKey.line(seed: 2))\n", 3, "second pin for target web-01 (first on line 2)"),
        ("\n-web \(SyntheticKey.line(seed: 1))\n", 2, "expected TARGETNAME TYPE BASE64"),
        ("web-01 ssh-ed25519 !!!\n", 1, "invalid key for target web-01: key data is not valid base64"),
    ])
    func reportsMalformedLines(contents: String, line: Int, message: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("known_hosts", contents)

        let error = try #require(throws: PinnedHostKeysError.self) { try PinnedHostKeys.load(path: path) }

        #expect(error == PinnedHostKeysError(path: path, line: line, message: message))
        #expect(error.description == "\(path):\(line): \(message)")
    }
}
