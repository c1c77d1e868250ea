/// What the operations listener answers: `/metrics` for Prometheus, `/healthz` while the
/// process runs, `/readyz` while it can take sessions. GET only.
package struct OperationsRoutes: Sendable {
    let scrape: @Sendable () -> String
    let readiness: @Sendable () -> ReadinessReport

    package init(scrape: @escaping @Sendable () -> String, readiness: @escaping @Sendable () -> ReadinessReport) {
        self.scrape = scrape
        self.readiness = readiness
    }

    package func respond(to request: HTTPRequestLine) -> HTTPResponse {
        guard ["/metrics", "/healthz", "/readyz"].contains(request.path) else {
            return HTTPResponse(status: 404, body: "not found; try /metrics, /healthz or /readyz\n")
        }
        guard request.method == "GET" else {
            var response = HTTPResponse(status: 405, body: "only GET is allowed\n")
            response.extraHeaders = [("Allow", "GET")]
            return response
        }
        switch request.path {
        case "/metrics":
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: scrape())
        case "/healthz":
            return HTTPResponse(status: 200, body: "ok\n")
        default:
            let report = readiness()
            return HTTPResponse(status: report.isReady ? 200 : 503, body: report.text)
        }
    }
}
