import Foundation
import TestSupport

/// The gateway's metrics and health listener, asked with the real `curl`.
struct OperationsClient {
    let port: UInt16
    let directory: String

    /// Status code and body of one request.
    func request(_ path: String, method: String = "GET") async throws -> (status: Int, body: String) {
        let curl = try ExecutableLocator.find("curl")
        let bodyFile = directory + "/curl-body-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: bodyFile) }
        let result = try await ProcessRunner().run(
            curl, ["-sS", "--max-time", "10", "-X", method, "-o", bodyFile, "-w", "%{http_code}", "http://127.0.0.1:\(port)\(path)"],
            timeout: .seconds(20))
        try result.checked("curl \(path)")
        let body = (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? ""
        return (Int(result.stdout) ?? -1, body)
    }

    /// `/metrics`, parsed: the value of each series, keyed by its name and labels as printed
    /// (`tracegate_relayed_bytes_total{direction="to_target"}`).
    func scrape() async throws -> MetricsScrape {
        let (status, body) = try await request("/metrics")
        guard status == 200 else { throw TestSupportError.unexpectedOutput("GET /metrics: \(status)\n\(body)") }
        return MetricsScrape(text: body)
    }
}

struct MetricsScrape {
    let text: String
    let values: [String: Double]

    init(text: String) {
        self.text = text
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    /// The sum over the series of `name` that carry every label in `labels` (0 if none).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        values.filter { series, _ in
            let bare = series.split(separator: "{", maxSplits: 1).first.map(String.init) ?? series
            return bare == name && labels.allSatisfy { series.contains("\($0.key)=\"\($0.value)\"") }
        }.values.reduce(0, +)
    }
}
