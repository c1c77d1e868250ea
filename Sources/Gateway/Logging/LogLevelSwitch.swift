import Logging
import Synchronization

/// The process-wide log level. Every `StructuredLogHandler` reads it on each log call, so a
/// SIGHUP reload that sets it changes what running connections log, without handing new
/// loggers to threads that already hold theirs.
package final class LogLevelSwitch: Sendable {
    package static let shared = LogLevelSwitch(.info)

    private let rawLevel: Atomic<UInt8>

    package init(_ level: Logger.Level) {
        rawLevel = Atomic(Self.index(of: level))
    }

    package var level: Logger.Level {
        get { Logger.Level.allCases[Int(rawLevel.load(ordering: .relaxed))] }
        set { rawLevel.store(Self.index(of: newValue), ordering: .relaxed) }
    }

    /// A level name from the configuration (already validated by the loader); unknown: info.
    package func set(named name: String) {
        level = Logger.Level(rawValue: name) ?? .info
    }

    private static func index(of level: Logger.Level) -> UInt8 {
        UInt8(Logger.Level.allCases.firstIndex(of: level) ?? 2)
    }
}
