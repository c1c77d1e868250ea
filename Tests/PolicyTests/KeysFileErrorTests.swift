import Foundation
import Policy
import Testing

/// `keys_file`: the errors name the keys file and its line, and its keys join the inline ones.
@Suite("ConfigurationLoader: keys_file errors")
struct KeysFileErrorTests {
    @Test func reportsTheKeysFileAndItsLine() throws {
        let directory = try TemporaryDirectory()
        let keysFile = try directory.write("bob.pub", """
            # bob
            \(SyntheticKey.line(seed: 2, comment: "bob@desk"))

            ssh-rsa AAAAB3Nza
            \(SyntheticKey.line(seed: 1)) copied-from-alice
            """)
        let missing = directory.file("carol.pub")
        let yaml = """
            organizations: [retailer, provider]
            users:
              - {name: alice, org: retailer, keys: ["\(SyntheticKey.line(seed: 1))"]}
              - {name: bob, org: provider, keys_file: \(keysFile)}
              - {name: carol, org: provider, keys_file: \(missing)}
            """

        expectConfigurationErrors(yaml, [
            ExpectedError(5, 45, "cannot read keys_file \"\(missing)\" of user carol: no such file"),
            ExpectedError(4, 1, "invalid key for user bob: key data is not valid base64", file: keysFile),
            ExpectedError(5, 1, "is given to both alice and bob", file: keysFile),
        ])
    }

    @Test func keysFileWithOnlyCommentsLeavesTheUserWithoutKeys() throws {
        let directory = try TemporaryDirectory()
        let keysFile = try directory.write("dave.pub", "# rotated out\n\n")

        expectConfigurationErrors("""
            organizations: [retailer]
            users:
              - {name: dave, org: retailer, keys_file: \(keysFile)}
            """, [ExpectedError(3, 5, "user dave has no keys")])
    }

    @Test func keysAndKeysFileCombine() throws {
        let directory = try TemporaryDirectory()
        let keysFile = try directory.write("bob.pub", SyntheticKey.line(seed: 2) + "\n")

        let configuration = try ConfigurationLoader.load(yaml: """
            organizations: [provider]
            users:
              - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 3))"], keys_file: \(keysFile)}
            """, sourcePath: "t.yaml")

        #expect(configuration.users.first?.keys.map(\.blob) == [SyntheticKey.blob(seed: 3), SyntheticKey.blob(seed: 2)])
    }
}
