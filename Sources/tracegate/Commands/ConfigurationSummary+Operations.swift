import Policy

extension ConfigurationSummary {
    /// The service settings that are not policy, so that a review sees where the gateway will
    /// listen, log and publish metrics, and whether anything will be pruned.
    var operationsLines: [String] {
        let retention = configuration.retention.map { "\($0.components.seconds / 86_400)d (\($0.components.seconds) s)" } ?? "off"
        return [
            "listen: \(configuration.listen)",
            "state_dir: \(configuration.stateDirectory)",
            "log: \(configuration.logLevel), \(configuration.logFormat.rawValue)",
            "metrics: \(configuration.metricsListen.map { "\($0)" } ?? "off")",
            "retention: \(retention)",
        ]
    }
}
