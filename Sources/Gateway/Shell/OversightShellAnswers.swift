import Audit
import Foundation
import Policy

/// What the gateway shell prints for the oversight commands other than `watch` (which
/// takes over the channel, see `WatchSession`). Each answer is one table or one line;
/// every refusal is one line starting with `tracegate:` and exit status 1.
struct OversightShellAnswers {
    let desk: OversightDesk

    func run(_ command: OversightCommandLine) -> (String, Int) {
        do {
            switch command {
            case .live: return (live(desk.visibleSessions()), 0)
            case .locks: return (locks(desk.visibleLocks()), 0)
            case .terminate(let session, let reason):
                let ended = try desk.terminate(session, reason: reason)
                return ("ended \(ended.id) of \(ended.user.name) (\(ended.user.organization)): \(reason)\n", 0)
            case .lock(let kind, let name, let duration, let reason):
                let lock = try desk.lock(LockRecord.Kind(kind), name, for: duration, reason: reason)
                return ("locked \(kind.rawValue) \(name) as \(lock.id)\(LockText.until(lock)): \(reason)\n", 0)
            case .unlock(let id, let kind, let name):
                let lifted = try desk.unlock(id: id, kind: kind.map(LockRecord.Kind.init), name: name)
                return (lifted.map { "unlocked \($0.kind.rawValue) \($0.name) (\($0.id))\n" }.joined(), 0)
            case .watch:
                return ("tracegate: watch needs the gateway shell's channel\n", 1)
            }
        } catch {
            return (error.message + "\n", 1)
        }
    }

    func live(_ sessions: [LiveSession]) -> String {
        guard !sessions.isEmpty else { return "No running session that you may oversee.\n" }
        var rows = [["SESSION", "USER", "ORG", "TARGET", "LOGIN", "KIND", "COMMAND", "TICKET", "FLAG", "STARTED", "IDLE",
                     "BYTES IN/OUT", "WATCHERS"]]
        let formatter = ISO8601DateFormatter()
        for session in sessions {
            let bytes = session.bytes
            let watchers = session.feed?.watcherNames ?? []
            rows.append([
                session.id, session.user.name, session.user.organization, session.target?.name ?? "-",
                session.login ?? "-", session.kind, Self.cell(session.command), Self.cell(session.ticket),
                session.flag ?? "-", formatter.string(from: session.startedAt), OversightText.age(session.idleSeconds),
                "\(OversightText.bytes(bytes.in))/\(OversightText.bytes(bytes.out))",
                watchers.isEmpty ? "-" : watchers.joined(separator: ", "),
            ])
        }
        return GatewayShellCommands.align(rows)
    }

    func locks(_ locks: [LockRecord]) -> String {
        guard !locks.isEmpty else { return "No lock in force that you may manage.\n" }
        var rows = [["LOCK", "KIND", "NAME", "BY", "SINCE", "UNTIL", "REASON"]]
        for lock in locks {
            rows.append([lock.id, lock.kind.rawValue, lock.name, lock.creator, lock.createdAt.iso8601Seconds,
                         lock.expiresAt?.iso8601Seconds ?? "lifted by hand", lock.reason])
        }
        return GatewayShellCommands.align(rows)
    }

    /// One line, printable, at most 40 characters.
    private static func cell(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory.isControl ? " " : $0 }))
        return printable.count > 40 ? String(printable.prefix(39)) + "…" : printable
    }
}

extension LockRecord.Kind {
    init(_ kind: OversightCommandLine.LockKind) {
        switch kind {
        case .user: self = .user
        case .target: self = .target
        }
    }
}
