import Audit
import Logging
import Policy

/// The gateway's operations listener (`metrics.listen`): Prometheus metrics and the health
/// and readiness probes, served apart from the SSH port so that it can stay on loopback or
/// on a monitoring network.
final class OperationsEndpoint: Sendable {
    private let server: OperationsHTTPServer
    let address: String

    init(listen: ListenAddress, scrape: ScrapeRenderer, readiness: ReadinessProbe) throws(OperationsHTTPServer.Failure) {
        let routes = OperationsRoutes(scrape: { scrape.render() }, readiness: { readiness.evaluate() })
        server = try OperationsHTTPServer(host: listen.host, port: listen.port, routes: routes)
        address = listen.host.contains(":") ? "[\(listen.host)]:\(server.boundPort)" : "\(listen.host):\(server.boundPort)"
    }

    func start() { server.start() }

    func stop() { server.stop() }
}
