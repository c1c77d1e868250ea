import Yams

/// The operational keys: log format, the metrics listener and retention.
extension ConfigurationReader {
    mutating func readLogFormat(_ node: Node) -> LogFormat? {
        guard let text = string(node, "log_format") else { return nil }
        guard let format = LogFormat(rawValue: text) else {
            let allowed = LogFormat.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.report("unknown log_format \(SafeText.quoted(text)); expected one of: \(allowed)", at: node)
            return nil
        }
        return format
    }

    /// `metrics: {listen: 127.0.0.1:9222}`; `listen: off` turns the HTTP listener off.
    /// Returns nil for an invalid section (reported), `.some(nil)` for off.
    mutating func readMetrics(_ node: Node) -> ListenAddress?? {
        guard let fields = fields(of: node, "metrics", allowed: ["listen"]) else { return nil }
        guard let listen = fields["listen"] else { return .some(Defaults.metricsListen) }
        // YAML 1.1 readers turn a bare `off` into false; the text is what counts here.
        guard let text = string(listen, "metrics.listen") else { return nil }
        if text == "off" { return .some(nil) }
        do {
            return .some(try ListenAddress(parsing: text))
        } catch {
            diagnostics.report("invalid metrics.listen \(SafeText.quoted(text)): \(error); or off", at: listen)
            return nil
        }
    }

    mutating func readRetention(_ node: Node) -> Duration? {
        guard let text = string(node, "retention") else { return nil }
        guard let period = RetentionPeriod.parse(text) else {
            diagnostics.report("invalid retention \(SafeText.quoted(text)): expected \(RetentionPeriod.syntax)", at: node)
            return nil
        }
        return period
    }
}
