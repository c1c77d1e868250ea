/// Believable synthetic traffic for the load benchmark: connections spread over a time span,
/// by users of two organisations, to a few hundred targets, with tickets, denials, unknown
/// keys and failed upstreams in realistic proportions, so that the indexes see a realistic
/// spread of values rather than one repeated row.
package struct SyntheticWorkload: Sendable {
    package static let organizations = ["retailer", "provider"]
    package let userCount: Int
    package let targetCount: Int
    package let start: AuditTimestamp
    package let span: Int64

    package init(userCount: Int = 500, targetCount: Int = 200, start: AuditTimestamp, spanMicroseconds: Int64) {
        self.userCount = userCount
        self.targetCount = targetCount
        self.start = start
        self.span = spanMicroseconds
    }

    package func user(_ number: Int) -> String { "user\(number % userCount)" }
    package func organization(ofUser number: Int) -> String { Self.organizations[number % userCount % 2] }
    package func target(_ number: Int) -> String { "host-\(number % targetCount)" }
    package func ticket(_ number: Int) -> String? { number % 10 < 3 ? "INC-\(number % 50_000)" : nil }
    /// The gateway's own kind of id (`AuditIdentifier`), from the time the connection opens
    /// and its number as the sequence, so that the writer sees the index locality it will see
    /// in production: neither flattered by ids in perfect order nor slowed by random ones.
    package func connectionID(_ number: Int, openedAt time: AuditTimestamp) -> String {
        AuditIdentifier.make(prefix: "c-", at: time, sequence: UInt32(truncatingIfNeeded: number))
    }

    /// When connection `number` of `total` opens: evenly spread over the span.
    package func openingTime(_ number: Int, of total: Int) -> AuditTimestamp {
        start.adding(microseconds: span / Int64(max(total, 1)) * Int64(number))
    }

    /// The kind of connection `number` is: mostly allowed sessions, some denials and failures.
    package enum Shape: Sendable { case allowed, denied, unknownKey, upstreamFailed }

    package func shape(_ number: Int) -> Shape {
        switch number % 100 {
        case 0..<8: .denied
        case 8..<10: .unknownKey
        case 10: .upstreamFailed
        default: .allowed
        }
    }

    /// How many events `events(forConnection:at:)` makes for `number`.
    package func eventCount(forConnection number: Int) -> Int {
        switch shape(number) {
        case .allowed: 7
        case .denied: 4
        case .unknownKey: 3
        case .upstreamFailed: 5
        }
    }

    /// The events of connection `number`, with the index of the one to write durably (the
    /// decision, as the gateway does). Times start at `time`, a few milliseconds apart.
    package func events(forConnection number: Int, at time: AuditTimestamp) -> (events: [AuditEvent], durableIndex: Int?) {
        let id = connectionID(number, openedAt: time)
        let anonymous = AuditContext(
            connectionID: id, sourceAddress: "10.\(number % 250).\(number / 250 % 250).\(number % 7 + 1)",
            sourcePort: 40_000 + number % 20_000, clientVersion: "SSH-2.0-OpenSSH_9.6")
        var context = anonymous
        context.user = user(number)
        context.organization = organization(ofUser: number)
        context.keyType = "ssh-ed25519"
        context.keyFingerprint = "SHA256:key-\(user(number))"
        context.target = target(number)
        context.targetOwner = Self.organizations[number % targetCount % 2]
        context.targetLabels = ["env": number % 3 == 0 ? "staging" : "prod", "app": "app\(number % 17)"]
        context.login = number % 4 == 0 ? "root" : "deploy"
        context.ticket = ticket(number)
        var events: [AuditEvent] = [.connectionOpen(anonymous)]
        var durable: Int?
        switch shape(number) {
        case .unknownKey:
            events.append(.authAttempt(anonymous, result: .unknownKey, user: nil, organization: nil,
                                       keyType: "ssh-rsa", keyFingerprint: "SHA256:stranger-\(number % 97)"))
            events.append(.connectionClose(anonymous, reason: .clientDropped))
        case .denied:
            events.append(.authAttempt(anonymous, result: .accepted, user: context.user, organization: context.organization,
                                       keyType: context.keyType, keyFingerprint: context.keyFingerprint))
            durable = events.count
            events.append(.accessDecision(context, result: .denied, reason: "no grant allows \(context.login ?? "") on \(context.target ?? "")"))
            events.append(.connectionClose(context, reason: .clientQuit))
        case .upstreamFailed, .allowed:
            events.append(.authAttempt(anonymous, result: .accepted, user: context.user, organization: context.organization,
                                       keyType: context.keyType, keyFingerprint: context.keyFingerprint))
            durable = events.count
            events.append(.accessDecision(context, result: .allowed, grant: "grant-\(number % 12)"))
            if shape(number) == .upstreamFailed {
                events.append(.upstreamConnect(context, result: .failed, address: "10.1.0.1:22", hostKeyFingerprint: nil,
                                               reason: "connection refused"))
                events.append(.connectionClose(context, reason: .error))
                break
            }
            let session = "s" + id.dropFirst()
            events.append(.upstreamConnect(context, result: .ok, address: "10.1.0.1:22", hostKeyFingerprint: "SHA256:host"))
            let exec = number % 2 == 0
            events.append(.channelOpen(context, sessionID: session, channel: exec
                ? ChannelDescription(type: .exec, command: "systemctl status app\(number % 17)")
                : ChannelDescription(type: .shell, pty: .init(term: "xterm-256color", columns: 120, rows: 40),
                                     recordingPath: "recordings/\(id)/\(session).cast")))
            events.append(.sessionClose(context, sessionID: session, outcome: SessionEnd(
                exitStatus: number % 23 == 0 ? 1 : 0, bytesIn: Int64(number % 5_000), bytesOut: Int64(number % 90_000))))
            events.append(.connectionClose(context, reason: .clientQuit))
        }
        for index in events.indices { events[index].time = time.adding(microseconds: Int64(index) * 2_000) }
        return (events, durable)
    }
}
