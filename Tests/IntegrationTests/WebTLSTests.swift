import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `web: {tls_cert, tls_key}`: the page speaks HTTPS with the operator's certificate and
    /// its cookie is `Secure`.
    @Suite(
        .policyGateway(
            targets: [.init(name: "web-01", owner: "retailer")],
            grants: { facts in [#"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)"]}"#] },
            extraLines: {
                let port = (try? LoopbackPort.free()) ?? 9224
                let directory = NSTemporaryDirectory() + "tracegate-webtls-\(UUID().uuidString)"
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let openssl = Process()
                openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                     "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "1",
                                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
                openssl.standardError = FileHandle.nullDevice
                try? openssl.run()
                openssl.waitUntilExit()
                return [
                    "web: {listen: 127.0.0.1:\(port), tls_cert: \"\(directory)/cert.pem\", tls_key: \"\(directory)/key.pem\"}",
                    "auditors:",
                    "  - {to: {user: alice}, sees: all}",
                ]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct WebTLSTests {
        @Test func thePageSpeaksHTTPSAndItsCookieIsSecure() async throws {
            let gateway = try SharedPolicyGateway.current()
            let printed = try await gateway.alice.withUser("alice").ssh("web")
            #expect(printed.succeeded, "\(printed)\n\(gateway.logTail)")
            let link = try #require(printed.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
                .first { $0.hasPrefix("https://127.0.0.1:") }, "\(printed)")
            let base = String(link[..<link.range(of: "/signin/")!.lowerBound])
            let curl = ProcessRunner(workingDirectory: gateway.directory.path)
            let signin = try await curl.run("/usr/bin/curl", ["-sk", "-D", "-", "-o", "/dev/null", link])
            #expect(signin.succeeded && signin.stdout.hasPrefix("HTTP/1.1 200"), "\(signin)")
            let cookieLine = try #require(signin.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
            #expect(cookieLine.contains("HttpOnly") && cookieLine.contains("SameSite=Strict") && cookieLine.contains("Secure"),
                    "\(cookieLine)")
            let cookie = String(cookieLine.dropFirst("set-cookie: ".count).split(separator: ";")[0])
            let page = try await curl.run("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Cookie: \(cookie)",
                                                            base + "/sessions"])
            #expect(page.stdout == "200", "\(page)")
            let hsts = try await curl.run("/usr/bin/curl", ["-sk", "-D", "-", "-o", "/dev/null", base + "/static/style.css"])
            #expect(hsts.stdout.lowercased().contains("strict-transport-security"), "\(hsts)")
            // Plain HTTP on the TLS port gets nothing readable.
            let plain = try await curl.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                                             base.replacingOccurrences(of: "https://", with: "http://") + "/sessions"])
            #expect(plain.stdout != "200", "\(plain)")
        }
    }
}
