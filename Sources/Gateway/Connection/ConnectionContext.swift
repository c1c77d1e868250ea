import Foundation
import Audit
import Logging
import Policy

/// What the gateway knows about one connection so far. Every log line and audit event
/// of the connection carries these fields, keyed by the same connection id that names
/// its recordings.
package struct ConnectionContext: Sendable {
    package let id: String
    package let clientAddress: String
    package let clientPort: Int
    /// The trusted proxy (`host:port`) whose PROXY header named `clientAddress`; nil when the
    /// client connected directly.
    package let via: String?
    package let openedAt: Date
    package var clientVersion: String?
    /// The key exchange and ciphers of the engineer's leg, once key exchange is done.
    package var clientLeg: NegotiatedLeg?
    package var user: User?
    package var keyType: String?
    package var keyFingerprint: String?
    package var request: TargetRequest?
    package var target: Target?
    package var login: String?
    package var ticket: String?
    /// Decided at authentication; nil until then. See `SecondFactorOutcome`.
    package var secondFactor: SecondFactorOutcome?

    init(id: String, clientAddress: String, clientPort: Int, via: String? = nil) {
        self.id = id
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.via = via
        self.openedAt = Date()
    }

    /// Time-ordered and unique (`AuditIdentifier` says why), short enough to type into
    /// `tracegate audit show`.
    static func makeIdentifier(prefix: String) -> String {
        AuditIdentifier.make(prefix: prefix)
    }

    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "tg.connection": "\(id)",
            "tg.client": "\(clientAddress):\(clientPort)",
        ]
        if let via { metadata["tg.via"] = "\(via)" }
        if let user { metadata["tg.user"] = "\(user.name)"; metadata["tg.org"] = "\(user.organization)" }
        if let target { metadata["tg.target"] = "\(target.name)" }
        if let login { metadata["tg.login"] = "\(login)" }
        return metadata
    }
}
