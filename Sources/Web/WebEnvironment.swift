import Audit
import Logging
import Policy

/// What the web page reads and writes: the trail (read-only, plus its `audit.query` events),
/// the sign-in book shared with the gateway shell, and the current configuration (re-read on
/// every request, so a reload changes who sees what at once).
package struct WebEnvironment: Sendable {
    package let store: AuditStore
    package let audit: AuditWriter
    package let book: WebSignInBook
    package let configuration: @Sendable () -> GatewayConfiguration
    package let stateDirectory: String
    package let logger: Logger
    /// The sessions running now on this gateway (the `/live` page), read at each request.
    package let liveSessions: @Sendable () -> [LiveSessionRow]

    package init(store: AuditStore, audit: AuditWriter, book: WebSignInBook,
                 configuration: @escaping @Sendable () -> GatewayConfiguration, stateDirectory: String, logger: Logger,
                 liveSessions: @escaping @Sendable () -> [LiveSessionRow] = { [] }) {
        self.store = store
        self.audit = audit
        self.book = book
        self.configuration = configuration
        self.stateDirectory = stateDirectory
        self.logger = logger
        self.liveSessions = liveSessions
    }
}
