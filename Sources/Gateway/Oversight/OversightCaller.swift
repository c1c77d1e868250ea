import Audit
import Policy

/// Who asks for an oversight act: an engineer in the gateway shell (their rights come from
/// `oversight:`), or the operator on the gateway host through the control socket (root on
/// the host can stop the process anyway: every right, every act still audited).
struct OversightCaller: Sendable {
    enum Identity: Sendable {
        case user(User)
        case hostOperator(String)
    }

    let identity: Identity
    /// The caller's own connection (or the control socket's), for the events it causes.
    let audit: AuditContext
    /// Wakes the caller's own connection (a watcher's output waits); nil for the control socket.
    let control: ConnectionControl?

    var name: String {
        switch identity {
        case .user(let user): user.name
        case .hostOperator(let name): name
        }
    }

    var organization: String? {
        if case .user(let user) = identity { return user.organization }
        return nil
    }

    var displayName: String { organization.map { "\(name) (\($0))" } ?? name }
}
