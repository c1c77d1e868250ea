/// Why a request was refused. `message` is the single line shown on the engineer's terminal;
/// it only ever contains names that passed `NameSyntax`, text the loader validated, or
/// client-supplied text rendered through `SafeText`, so it is safe to print.
package indirect enum DenialReason: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTarget(String)
    case noDefaultLogin(target: String)
    case loginNotGranted(user: String, login: String, target: String)
    /// The grant's `hours`, as written: `Mon-Fri 08:00-20:00 Europe/Paris`.
    case outsideHours(String)
    /// No ticket was given; the gateway may ask for one and decide again.
    case ticketRequired
    /// The ticket does not match this pattern.
    case ticketMismatch(String)
    /// The ticket is too long or holds characters that may not be stored.
    case ticketMalformed
    /// The grant's `until`, as written.
    case grantExpired(String)
    /// The grant's `from`, as written.
    case grantNotYetValid(String)
    /// The client's address, rendered; nil when the gateway did not know it.
    case sourceNotAllowed(String?)
    /// A tunnel to this target, which exists, is not granted.
    case tunnelNotGranted(String)
    /// A tunnel asked for a destination that is not a target's SSH port (rendered `host:port`).
    case notATunnelDestination(String)
    /// `ssh -L` to a destination (rendered `host:port`) that the session's grant does not list.
    case forwardingNotGranted(String)
    /// A running session that a reloaded policy no longer allows, and why it does not.
    case revoked(DenialReason)

    package var message: String { "tracegate: \(detail)" }

    package var description: String { message }

    private var detail: String {
        switch self {
        case .unknownTarget(let target):
            return "no target named \(target)"
        case .noDefaultLogin(let target):
            return "target \(target) has no default login; connect as LOGIN@\(target)"
        case .loginNotGranted(let user, let login, let target):
            return "\(user) may not log in as \(login) on \(target)"
        case .outsideHours(let hours):
            return "outside hours \(hours)"
        case .ticketRequired:
            return "a ticket is required (ssh -o SetEnv=TRACEGATE_TICKET=…)"
        case .ticketMismatch(let pattern):
            return "ticket does not match \(pattern)"
        case .ticketMalformed:
            return "a ticket must be 1 to \(TicketRule.maximumLength) printable characters"
        case .grantExpired(let until):
            return "grant expired on \(until)"
        case .grantNotYetValid(let from):
            return "grant is not valid before \(from)"
        case .sourceNotAllowed(let address):
            return "access from \(address ?? "an unknown address") is not allowed"
        case .tunnelNotGranted(let target):
            return "no grant allows a tunnel (ssh -J) to \(target)"
        case .notATunnelDestination(let destination):
            return "\(destination) is not the SSH port of a target; tunnels reach only targets"
        case .forwardingNotGranted(let destination):
            return "forwarding to \(destination) is not granted"
        case .revoked(let reason):
            return "access revoked by a policy reload: \(reason.detail)"
        }
    }

    /// A stable short code for logs and audit rows.
    package var code: String {
        switch self {
        case .unknownTarget: return "unknown_target"
        case .noDefaultLogin: return "no_default_login"
        case .loginNotGranted: return "login_not_granted"
        case .outsideHours: return "outside_hours"
        case .ticketRequired: return "ticket_required"
        case .ticketMismatch: return "ticket_mismatch"
        case .ticketMalformed: return "ticket_malformed"
        case .grantExpired: return "grant_expired"
        case .grantNotYetValid: return "grant_not_yet_valid"
        case .sourceNotAllowed: return "source_not_allowed"
        case .tunnelNotGranted: return "tunnel_not_granted"
        case .notATunnelDestination: return "not_a_tunnel_destination"
        case .forwardingNotGranted: return "forwarding_not_granted"
        case .revoked: return "revoked"
        }
    }

    /// True when the only thing missing is a ticket: the gateway can ask for one at a
    /// keyboard-interactive prompt and decide again with it.
    package var isTicketRequired: Bool {
        if case .ticketRequired = self { return true }
        return false
    }

    /// A client-supplied address, canonical when it parses and quoted when it does not.
    package static func renderAddress(_ text: String) -> String {
        IPAddress(parsing: text)?.description ?? SafeText.quoted(text)
    }

    /// A client-supplied `host:port`, with the host quoted unless it is a plain name or an address.
    package static func renderDestination(host: String, port: Int) -> String {
        if let address = IPAddress(parsing: host) { return HostAndPort(host: address.description, port: port).description }
        if NameSyntax.isValidName(host) { return "\(host):\(port)" }
        return "\(SafeText.quoted(host)):\(port)"
    }
}
