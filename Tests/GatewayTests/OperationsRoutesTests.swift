import Gateway
import Testing

/// The request line the operations listener accepts, and what each path and method gets.
@Suite struct OperationsRoutesTests {
    private func line(_ text: String) -> HTTPRequestLine? {
        HTTPRequestLine(head: Array(text.utf8))
    }

    @Test func requestLinesAreParsedStrictly() {
        #expect(line("GET /metrics HTTP/1.1\r\nHost: x\r\n") == line("GET /metrics?x=1 HTTP/1.0\r\n"))
        #expect(line("GET /metrics HTTP/1.1\r\n")?.path == "/metrics")
        #expect(line("POST /readyz HTTP/1.1\r\n")?.method == "POST")
        for malformed in ["get /metrics HTTP/1.1\r\n", "GET metrics HTTP/1.1\r\n", "GET /metrics\r\n",
                          "GET /metrics HTTP/2\r\n", "GET  /metrics HTTP/1.1\r\n", "GET /a\u{7F}b HTTP/1.1\r\n", ""] {
            #expect(line(malformed) == nil, "accepted \(malformed.debugDescription)")
        }
    }

    @Test func pathsAndMethods() throws {
        var ready = ReadinessReport()
        ready.checks = [("audit", true, "writable")]
        var failing = ReadinessReport()
        failing.checks = [("audit", true, "writable"), ("free_space", false, "12 bytes free, floor 100")]
        let routes = OperationsRoutes(scrape: { "# scrape\n" }, readiness: { [ready] in ready })
        let unready = OperationsRoutes(scrape: { "" }, readiness: { [failing] in failing })

        let metrics = routes.respond(to: try #require(line("GET /metrics HTTP/1.1\r\n")))
        #expect(metrics.status == 200 && metrics.body == "# scrape\n" && metrics.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(routes.respond(to: try #require(line("GET /healthz HTTP/1.1\r\n"))).status == 200)
        #expect(unready.respond(to: try #require(line("GET /healthz HTTP/1.1\r\n"))).status == 200, "alive even when not ready")
        #expect(routes.respond(to: try #require(line("GET /readyz HTTP/1.1\r\n"))).body == "ok audit: writable\n")
        let notReady = unready.respond(to: try #require(line("GET /readyz HTTP/1.1\r\n")))
        #expect(notReady.status == 503 && notReady.body.contains("fail free_space: 12 bytes free, floor 100"))
        #expect(routes.respond(to: try #require(line("GET / HTTP/1.1\r\n"))).status == 404)
        let post = routes.respond(to: try #require(line("POST /metrics HTTP/1.1\r\n")))
        #expect(post.status == 405 && String(decoding: post.bytes, as: UTF8.self).contains("\r\nAllow: GET\r\n"))
        let bytes = String(decoding: metrics.bytes, as: UTF8.self)
        #expect(bytes.hasPrefix("HTTP/1.1 200 OK\r\n") && bytes.contains("\r\nContent-Length: 9\r\n") && bytes.hasSuffix("\r\n\r\n# scrape\n"))
    }
}
