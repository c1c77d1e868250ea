import Audit
import Policy

/// A signed-in person: the gateway user, the part of the trail the `auditors:` entries let
/// them read, and the tag of their web session (a digest prefix) for the trail.
struct WebViewer: Sendable {
    var user: User
    var view: ResolvedAuditorView
    var sessionTag: String
    /// Where the request came from, for the trail.
    var clientAddress: String?

    var scope: AuditScope {
        view.everything ? .everything : .limited(organizations: view.organizations, targets: view.targetNames)
    }

    /// "everything", or "org retailer; targets shop-1".
    var summary: String {
        if view.everything { return "everything" }
        var parts: [String] = []
        if !view.organizations.isEmpty { parts.append("org " + view.organizations.joined(separator: ", ")) }
        if !view.targetNames.isEmpty { parts.append("targets " + view.targetNames.joined(separator: ", ")) }
        return parts.isEmpty ? "nothing" : parts.joined(separator: "; ")
    }

    /// The viewer for a session's user under the current configuration; nil when the user is
    /// gone or no `auditors:` entry names them any more (a reload takes effect at once).
    static func resolve(user name: String, sessionTag: String, configuration: GatewayConfiguration) -> WebViewer? {
        guard let user = configuration.users.first(where: { $0.name == name }) else { return nil }
        guard let view = ResolvedAuditorView.resolve(for: user, rules: configuration.auditors, targets: configuration.targets) else {
            return nil
        }
        return WebViewer(user: user, view: view, sessionTag: sessionTag)
    }
}
