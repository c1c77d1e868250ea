/// Writes metric families in the Prometheus text exposition format (version 0.0.4), for the
/// values the gateway reads at scrape time rather than keeping in the registry.
struct PrometheusTextWriter {
    private(set) var text = ""

    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: Int) {
        sample(name, labels: labels, Double(value))
    }

    /// `counts` per bucket (not cumulative), the last one above every bound.
    mutating func histogram(_ name: String, help: String, bounds: [Double], counts: [Int], sum: Double, count: Int) {
        family(name, type: "histogram", help: help)
        var cumulative = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += counts[index]
            sample(name + "_bucket", labels: [("le", Self.format(bound))], cumulative)
        }
        sample(name + "_bucket", labels: [("le", "+Inf")], count)
        sample(name + "_sum", sum)
        sample(name + "_count", count)
    }

    /// Integers without a fraction; everything else as Swift prints a Double (Go parses both).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
