import Foundation
import Policy
import Testing

/// `cluster:`: the node name, the PostgreSQL URI and the rule that no password is written in it.
@Suite struct ClusterSettingsTests {
    private func load(_ text: String) throws -> GatewayConfiguration {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tracegate.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try ConfigurationLoader.load(path: path)
    }

    private func errors(_ text: String) -> String {
        do {
            _ = try load(text)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func withoutClusterTheGatewayIsOneNode() throws {
        #expect(try load("listen: 127.0.0.1:2222\n").cluster == nil)
    }

    @Test func nodeURLAndPasswordFileAreRead() throws {
        let configuration = try load("""
            cluster:
              node: gw-1
              postgres: "postgresql://tracegate@127.0.0.1:5432/tracegate"
              password_file: /etc/tracegate/pgpass

            """)
        #expect(configuration.cluster == ClusterSettings(
            node: "gw-1", postgresURL: "postgresql://tracegate@127.0.0.1:5432/tracegate", passwordFile: "/etc/tracegate/pgpass"))
        let short = try load("cluster: {node: b.2, postgres: \"postgres://u@db/tg?sslmode=require\"}\n")
        #expect(short.cluster?.passwordFile == nil)
        #expect(short.cluster?.postgresURL == "postgres://u@db/tg?sslmode=require")
    }

    @Test func sharedRecordingsGiveEachNodeItsOwnDirectoryAndMustBeAbsolute() throws {
        let configuration = try load("cluster: {node: gw-2, postgres: \"postgresql://db/tg\", recordings: /srv/recordings/}\n")
        #expect(configuration.cluster?.recordingsDirectory == "/srv/recordings/")
        #expect(configuration.cluster?.nodeRecordingsDirectory == "/srv/recordings/gw-2")
        #expect(try load("cluster: {node: gw-2, postgres: \"postgresql://db/tg\"}\n").cluster?.nodeRecordingsDirectory == nil)
        let relative = errors("cluster: {node: gw-2, postgres: \"postgresql://db/tg\", recordings: shared}\n")
        #expect(relative.contains("cluster.recordings must be an absolute path"), "\(relative)")
    }

    @Test func aPasswordInTheURLIsRefusedWithOneLineThatDoesNotRepeatIt() {
        let inAuthority = errors("cluster: {node: gw-1, postgres: \"postgresql://tracegate:s3cret@127.0.0.1/tracegate\"}\n")
        #expect(inAuthority.contains(":1:33: cluster.postgres must not contain a password"), "\(inAuthority)")
        #expect(inAuthority.contains("TRACEGATE_POSTGRES_PASSWORD"))
        #expect(!inAuthority.contains("s3cret"))
        #expect(inAuthority.split(separator: "\n").count == 1, "\(inAuthority)")
        let inQuery = errors("cluster: {node: gw-1, postgres: \"postgresql://db/tg?user=t&Password=s3cret\"}\n")
        #expect(inQuery.contains("must not contain a password"), "\(inQuery)")
        #expect(!inQuery.contains("s3cret"))
    }

    @Test func theURLRuleAcceptsUsersWithoutPasswordsAndIPv6Hosts() {
        #expect(PostgresURLRule.problem(with: "postgresql://tracegate@127.0.0.1:5432/tracegate") == nil)
        #expect(PostgresURLRule.problem(with: "postgresql://[::1]:5432/tracegate") == nil)
        #expect(PostgresURLRule.problem(with: "postgresql://tracegate@[::1]:5432/tg?connect_timeout=5") == nil)
        #expect(PostgresURLRule.problem(with: "mysql://tracegate@db/tg") == "cluster.postgres must be a postgresql:// URI")
        #expect(PostgresURLRule.problem(with: "postgresql://a:b@db/tg") != nil)
    }

    @Test func nodeNameAndRequiredKeysAreChecked() throws {
        #expect(errors("cluster: {node: \"gw 1\", postgres: \"postgresql://db/tg\"}\n").contains("invalid cluster.node \"gw 1\""))
        #expect(errors("cluster: {node: -gw, postgres: \"postgresql://db/tg\"}\n").contains("invalid cluster.node"))
        // Without `node`, the machine names it (TRACEGATE_NODE, else the host name).
        #expect(ClusterSettings.machineNodeName(environment: ["TRACEGATE_NODE": "gw-7"])! == ("gw-7", "TRACEGATE_NODE"))
        if let machine = ClusterSettings.machineNodeName(environment: [:]), NameSyntax.isValidName(machine.name) {
            #expect(try load("cluster: {postgres: \"postgresql://db/tg\"}\n").cluster?.node == ClusterSettings.machineNodeName()?.name)
        }
        #expect(errors("cluster: {node: gw-1}\n").contains("cluster is missing required key \"postgres\""))
        #expect(errors("cluster: {node: gw-1, postgres: \"postgresql://db/tg\", password: x}\n").contains("unknown key \"password\" in cluster"))
    }
}
