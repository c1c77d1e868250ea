import Web

/// The web page's `/live` rows: copies of the running sessions' facts, so the web module
/// never holds a connection's objects.
extension LiveSessions {
    var webRows: [LiveSessionRow] {
        all.map { session in
            let bytes = session.bytes
            return LiveSessionRow(
                id: session.id, connectionID: session.connectionID, user: session.user.name,
                organization: session.user.organization, target: session.target?.name, targetOwner: session.target?.owner,
                login: session.login, kind: session.kind, command: session.command, ticket: session.ticket,
                flag: session.flag, startedAt: session.startedAt, idleSeconds: session.idleSeconds,
                bytesIn: bytes.in, bytesOut: bytes.out, watchers: session.feed?.watcherUserNames ?? [])
        }
    }
}
