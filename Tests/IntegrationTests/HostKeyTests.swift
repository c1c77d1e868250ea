import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The gateway's own keys: created private on first start, and a start refused when
    /// anyone else could read them.
    @Suite(.timeLimit(.minutes(3)))
    struct HostKeyTests {
        private static func mode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
        }

        @Test func firstStartCreatesPrivateHostAndUpstreamKeys() async throws {
            let fixture = try await GatewayFixture.start(.init())
            let keys = fixture.gateway.stateDirectory + "/keys"
            for name in ["host_ed25519", "upstream_ed25519"] {
                #expect(try Self.mode(keys + "/" + name) == 0o600, "\(name) must be 0600")
                #expect(FileManager.default.fileExists(atPath: keys + "/" + name + ".pub"), "\(name).pub is missing")
            }
            // The published host key is the one the gateway actually presents.
            let result = try await fixture.alice(on: "web-01").ssh("true")
            #expect(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            // And the upstream key `keys show` printed is the one on disk.
            let upstream = try String(contentsOfFile: keys + "/upstream_ed25519.pub", encoding: .utf8)
            #expect(upstream.hasPrefix(fixture.upstreamPublicKey.split(separator: " ").prefix(2).joined(separator: " ")))
            await fixture.stop()
        }

        @Test(arguments: ["host_ed25519", "upstream_ed25519"])
        func startIsRefusedWhenAPrivateKeyIsReadableByOthers(keyFile: String) async throws {
            let fixture = try await GatewayFixture.start(.init())
            let stopped = await fixture.gateway.stop(signal: SIGTERM)
            try #require(stopped != nil, "gateway ignored SIGTERM\n\(fixture.gatewayLogTail)")

            let path = fixture.gateway.stateDirectory + "/keys/" + keyFile
            chmod(path, 0o644)
            do {
                try await fixture.gateway.start(timeout: .seconds(10))
                Issue.record("the gateway started with \(path) readable by others\n\(fixture.gatewayLogTail)")
            } catch {
                #expect("\(error)".contains(keyFile), "the refusal should name \(keyFile):\n\(error)")
                let termination = fixture.gateway.termination
                #expect(termination != nil && termination != .exited(0), "exit: \(String(describing: termination))")
            }
            await fixture.stop()
        }

        @Test(arguments: [SIGTERM, SIGINT])
        func gatewayStopsOnSignal(signal: Int32) async throws {
            let fixture = try await GatewayFixture.start(.init())
            let termination = await fixture.gateway.stop(signal: signal, timeout: .seconds(10))
            #expect(termination != nil, "still running 10 s after signal \(signal)\n\(fixture.gatewayLogTail)")
            #expect(!LoopbackPort.acceptsConnections(fixture.gateway.port), "still listening after the exit")
            await fixture.stop()
        }
    }
}
