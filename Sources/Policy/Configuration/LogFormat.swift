/// How each log line on stderr is written: logfmt for people and journald, JSON for collectors.
package enum LogFormat: String, Hashable, Sendable, CaseIterable {
    case logfmt
    case json
}
