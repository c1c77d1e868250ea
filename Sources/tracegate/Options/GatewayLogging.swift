import Logging

/// Logs go to stderr, one event per line, for journald or a collector to take.
enum GatewayLogging {
    static func bootstrap(level: String) -> Logger {
        let threshold = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = threshold
            return handler
        }
        return Logger(label: "tracegate")
    }
}
