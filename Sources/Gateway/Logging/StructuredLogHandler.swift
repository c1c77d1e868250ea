import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Policy
import Synchronization

/// swift-log handler for the gateway: one line per event on stderr (journald or a collector
/// takes it from there), in logfmt or JSON. The level is the shared `LogLevelSwitch`, so a
/// reload changes it for every logger already handed out.
package struct StructuredLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    private let formatter: LogLineFormatter
    private let levelSwitch: LogLevelSwitch
    private let sink: LogSink

    package init(format: LogFormat, levelSwitch: LogLevelSwitch = .shared, sink: LogSink = .standardError) {
        self.formatter = LogLineFormatter(format: format)
        self.levelSwitch = levelSwitch
        self.sink = sink
    }

    /// Setting the level on one logger sets it for the process: there is one level, the
    /// configuration's, and a reload is its only other writer.
    package var logLevel: Logger.Level {
        get { levelSwitch.level }
        set { levelSwitch.level = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        sink.write(formatter.line(timestamp: Date(), level: event.level, message: event.message.description, metadata: merged))
    }
}

/// Where lines go: stderr in the gateway, a file descriptor of the test's choosing in tests.
/// One lock for all writers, so lines from connection threads never interleave.
package final class LogSink: Sendable {
    package static let standardError = LogSink(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let lock = Mutex(())

    package init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    package func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { systemWrite(fileDescriptor, $0.baseAddress, $0.count) }
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // stderr gone: nothing sensible left to do with a log line
                }
            }
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif
