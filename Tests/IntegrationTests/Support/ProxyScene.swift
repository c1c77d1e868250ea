import Foundation
import Testing
import TestSupport

/// A gateway behind real HAProxy (`config/examples/haproxy.cfg`), trusting only HAProxy's
/// source address 127.0.0.2 for PROXY v2 headers, plus a hand-made proxy client for headers
/// HAProxy would never send. A second backend server that never answers its health check
/// shows the checks at work.
struct ProxyScene: Sendable {
    static let proxySource = "127.0.0.2"
    /// bob's extra grant to web-02 holds only from this address.
    static let grantedSource = "127.0.0.9"

    let fixture: GatewayFixture
    let haproxy: HAProxyProcess
    let headers: ProxyHeaderClient
    /// alice, bob and a stranger whose key the gateway does not know, through HAProxy.
    let alice: OpenSSHClient
    let bob: OpenSSHClient
    let stranger: OpenSSHClient

    static func start() async throws -> ProxyScene {
        var options = GatewayFixture.Options()
        options.servesMetrics = true
        options.penalties = [("auth_failure", "5s"), ("min", "6s"), ("max", "60s")]
        options.configurationLines = ["proxy_protocol: {from: [\(proxySource)], timeout: 2s}"]
        options.extraGrants = [.init(to: .user("bob"), targets: ["web-02"], logins: [TestLogin.name],
                                     conditions: ["source: [\"\(grantedSource)\"]"])]
        let fixture = try await GatewayFixture.start(options)
        do {
            let metricsPort = try #require(fixture.metricsPort)
            let proxyDirectory = try fixture.directory.subdirectory("haproxy")
            let haproxy = try await HAProxyProcess.start(in: proxyDirectory, source: proxySource, servers: [
                .init(name: "gw-1", port: fixture.gateway.port, checkPort: metricsPort),
                .init(name: "gw-gone", port: try LoopbackPort.free(), checkPort: try LoopbackPort.free()),
            ])
            // The unready node leaves the pool after its failed checks (`fall 2`, `inter 2s`);
            // until then HAProxy could send an engineer to it.
            let down = await waitFor(timeout: .seconds(30), every: .milliseconds(200)) {
                haproxy.log.contains("tracegate/gw-gone is DOWN")
            }
            guard down else {
                await haproxy.stop()
                throw TestSupportError.timedOut("haproxy never marked gw-gone down:\n\(haproxy.log)")
            }
            let clients = try fixture.directory.subdirectory("proxied-clients")
            let hostKey = try fixture.gateway.hostKeyLine()
            let strangerKey = try await KeyPair.generate(in: clients, name: "stranger")
            func client(_ name: String, _ key: KeyPair, _ user: String) throws -> OpenSSHClient {
                try OpenSSHClient(in: clients, name: name, port: haproxy.port, identity: key, hostKeyLine: hostKey, user: user)
            }
            return ProxyScene(
                fixture: fixture, haproxy: haproxy, headers: try ProxyHeaderClient(in: clients),
                alice: try client("via-alice", fixture.aliceKey, "\(fixture.login)@web-01"),
                bob: try client("via-bob", fixture.bobKey, "\(fixture.login)@web-02"),
                stranger: try client("via-stranger", strangerKey, "\(fixture.login)@web-01"))
        } catch {
            await fixture.stop()
            throw error
        }
    }

    func stop() async {
        await haproxy.stop()
        await fixture.stop()
    }

    var logs: String {
        fixture.gatewayLogTail + "\n--- haproxy ---\n" + String(haproxy.log.suffix(3000))
    }

    /// Rows of the trail, polled until there are at least `count` (the writer commits in batches).
    func rows(_ sql: String, atLeast count: Int = 1, timeout: Duration = .seconds(10)) async throws -> [AuditRow] {
        let audit = AuditTrailDatabase(path: fixture.gateway.stateDirectory + "/audit.db")
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await audit.query(sql)
            if rows.count >= count || ContinuousClock.now >= deadline { return rows }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

enum SharedProxyScene {
    @TaskLocal static var scene: ProxyScene?

    static func current() throws -> ProxyScene {
        try #require(scene, "this suite has no .proxyScene trait")
    }
}

extension Trait where Self == SuiteScope<ProxyScene> {
    static var proxyScene: Self {
        SuiteScope(
            start: { try await ProxyScene.start() },
            stop: { await $0.stop() },
            publish: { scene, body in try await SharedProxyScene.$scene.withValue(scene) { try await body() } })
    }
}
