import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate config check`: OK for a good file; for a bad one, every error as
    /// FILE:LINE:COLUMN so that a reviewer can jump to it.
    @Suite(.timeLimit(.minutes(2)))
    struct ConfigCheckTests {
        /// A config written line by line, so that the tests know each line's number.
        private struct Sample {
            let directory: TemporaryDirectory
            let aliceKey: KeyPair
            let bobKey: KeyPair

            static func make() async throws -> Sample {
                let directory = try TemporaryDirectory(prefix: "tracegate-cfg")
                return Sample(
                    directory: directory,
                    aliceKey: try await KeyPair.generate(in: directory.path, name: "alice"),
                    bobKey: try await KeyPair.generate(in: directory.path, name: "bob")
                )
            }

            /// The 10 lines of a valid config; `edit` may change any of them (index = line - 1).
            func write(_ edit: (inout [String]) -> Void = { _ in }) throws -> String {
                var lines = [
                    "listen: 127.0.0.1:\(try LoopbackPort.free())",
                    "state_dir: \(GatewayConfiguration.quote(directory.file("state")))",
                    "organizations: [retailer, provider]",
                    "users:",
                    "  - {name: alice, org: retailer, keys: [\(GatewayConfiguration.quote(aliceKey.publicKeyLine))]}",
                    "  - {name: bob, org: provider, keys: [\(GatewayConfiguration.quote(bobKey.publicKeyLine))]}",
                    "targets:",
                    "  - {name: web-01, address: \"127.0.0.1:\(try LoopbackPort.free())\", host_key: \"\(aliceKey.fingerprint)\", default_login: root}",
                    "grants:",
                    "  - {to: {user: alice}, targets: {names: [web-01]}, logins: [root]}",
                ]
                edit(&lines)
                return try directory.write(lines.joined(separator: "\n") + "\n", to: "tracegate.yaml")
            }

            func check(_ path: String) async throws -> ProcessResult {
                try await GatewayProcess(configPath: path, workingDirectory: directory.path, port: 0, stateDirectory: directory.file("state"))
                    .run(["config", "check"])
            }
        }

        @Test func validConfigurationPrintsOK() async throws {
            let sample = try await Sample.make()
            let result = try await sample.check(try sample.write())
            #expect(result.termination == .exited(0), "\(result)")
            #expect(result.stdout.contains("OK"), "\(result)")
        }

        @Test func unknownKeyIsReportedWithFileAndLine() async throws {
            let sample = try await Sample.make()
            let path = try sample.write { lines in
                lines[4] = lines[4].replacingOccurrences(of: "]}", with: "], colour: red}")
            }
            let result = try await sample.check(path)
            #expect(result.termination == .exited(1), "\(result)")
            #expect((result.stdout + result.stderr).contains("\(path):5:"), "\(result)")
        }

        @Test func duplicateUserIsReportedWithFileAndLine() async throws {
            let sample = try await Sample.make()
            let path = try sample.write { lines in
                lines[5] = lines[5].replacingOccurrences(of: "name: bob", with: "name: alice")
            }
            let result = try await sample.check(path)
            #expect(result.termination == .exited(1), "\(result)")
            #expect((result.stdout + result.stderr).contains("\(path):6:"), "\(result)")
        }

        @Test func everyErrorInOneFileIsReported() async throws {
            let sample = try await Sample.make()
            let path = try sample.write { lines in
                lines[4] = lines[4].replacingOccurrences(of: "]}", with: "], colour: red}")
                lines[5] = lines[5].replacingOccurrences(of: "name: bob", with: "name: alice")
            }
            let result = try await sample.check(path)
            let output = result.stdout + result.stderr
            #expect(result.termination == .exited(1), "\(result)")
            #expect(output.contains("\(path):5:") && output.contains("\(path):6:"), "\(result)")
        }
    }
}
