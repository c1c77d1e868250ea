import Gateway
import Logging
import Policy

/// Logs go to stderr, one event per line (logfmt or JSON), for journald or a collector to
/// take. The level lives in `LogLevelSwitch.shared`, which a reload changes.
enum GatewayLogging {
    static func bootstrap(level: String, format: LogFormat) -> Logger {
        LogLevelSwitch.shared.set(named: level)
        LoggingSystem.bootstrap { _ in StructuredLogHandler(format: format) }
        return Logger(label: "tracegate")
    }
}
