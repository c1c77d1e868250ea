import Audit
import Policy
import Web

/// `web` in the gateway shell: prints a one-time link to the auditors' web page for the
/// user proven by key (and second factor) on this connection; `web --logout-all` ends every
/// web session of that user. Both are `audit.query` events; the link's token appears only on
/// the user's terminal, the trail keeps a prefix of its digest.
struct WebSignInCommand {
    let context: ConnectionContext
    let settings: GatewaySettings
    let book: WebSignInBook
    let audit: AuditWriter?

    func run(_ arguments: [String]) -> (String, Int) {
        guard let user = context.user else { return ("tracegate: web: no user on this connection\n", 1) }
        guard let web = book.servingSettings else {
            return ("tracegate: web: the web page is not enabled on this gateway (web: {listen: …})\n", 1)
        }
        switch arguments {
        case []:
            guard ResolvedAuditorView.resolve(
                for: user, rules: settings.configuration.auditors, targets: settings.configuration.targets) != nil
            else {
                record(user, command: "web link", result: "refused", reason: "no auditors entry names this user")
                return ("tracegate: web: no auditors entry names \(user.name); ask the gateway's operators\n", 1)
            }
            let (token, tag) = book.issueLink(for: user.name, lifetime: web.linkLifetime)
            record(user, command: "web link", result: "ok", reason: nil, tag: tag)
            let seconds = web.linkLifetime.components.seconds
            return ("Open within \(seconds) seconds (works once):\n\(web.baseURL)/signin/\(token)\n", 0)
        case ["--logout-all"]:
            let ended = book.endAll(for: user.name)
            record(user, command: "web --logout-all", result: "ok", reason: nil, filter: ["ended": AuditValue(ended)])
            return ("Ended \(ended) web session\(ended == 1 ? "" : "s") of \(user.name).\n", 0)
        default:
            return ("usage: web [--logout-all]\n", 2)
        }
    }

    private func record(_ user: User, command: String, result: String, reason: String?, tag: String? = nil,
                        filter: [String: AuditValue] = [:]) {
        audit?.record(.webQuery(
            user: user.name, organization: user.organization, sourceAddress: context.clientAddress,
            command: command, filter: filter, result: result, reason: reason, session: tag))
    }
}
