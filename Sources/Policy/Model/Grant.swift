import Foundation

/// One entry of `grants:`, the only thing that turns the default deny into an allow.
///
/// A grant first *applies* to an attempt (its subjects include the user, its selector the
/// target, and for a `record` grant its logins the login), then its *conditions* must all
/// hold: source address, validity dates, hours and ticket (`Grant+Conditions.swift`).
/// Attributes that shape an allowed session (`mode`, `maxSession`, `forwarding`) travel to
/// the gateway inside `Decision.allowed`, which carries the whole grant.
package struct Grant: Hashable, Sendable {
    /// 1-based position in `grants:`, stable for messages and audit rows.
    package var index: Int
    /// Line of the grant in the configuration file, so a decision can be traced to its source.
    package var line: Int
    package var sourceFile: String
    package var subjects: GrantSubjects
    package var targetSelector: TargetSelector
    /// The accounts a `record` grant opens; empty for a `tunnel` grant, whose logins the gateway never sees.
    package var logins: [String]
    package var mode: GrantMode
    /// Inclusive start, or nil for "already valid".
    package var from: ValidityBound?
    /// Exclusive end, or nil for "valid until revoked".
    package var until: ValidityBound?
    /// Empty means at any time; otherwise the attempt must fall in one of the windows.
    package var hours: [TimeWindow]
    package var ticketRule: TicketRule
    package var maxSession: Duration?
    /// Empty means from anywhere; otherwise the client address must be in one of the networks.
    package var sources: [CIDR]
    /// Destinations `ssh -L` may reach under this grant, as written: a host is a target name,
    /// an IP address or a fully qualified DNS name.
    package var forwarding: [HostAndPort]
    /// `require_mfa: true`: a verification code after the key, whatever the user's own setting.
    package var requireSecondFactor = false
    /// When set, the grant allows only once approved (`ApprovalRule`).
    package var approval: ApprovalRule?
    /// `files:`: which way sftp and scp may move files, and where (default allow).
    package var files: FileRules
    /// `require_watcher`: a moderated grant. Its shells relay nothing until someone this
    /// selects (with the watch right) watches them; its commands and file transfers run
    /// only while such a watcher watches another session of the engineer on the target.
    package var requireWatcher: GrantSubjects? = nil
    /// `max_wait`: how long a moderated session may wait for a watcher (default 10 minutes).
    package var maxWait: Duration = .seconds(600)

    package init(
        index: Int,
        line: Int,
        sourceFile: String,
        subjects: GrantSubjects,
        targetSelector: TargetSelector,
        logins: [String],
        mode: GrantMode = .record,
        from: ValidityBound? = nil,
        until: ValidityBound? = nil,
        hours: [TimeWindow] = [],
        ticketRule: TicketRule = .notRequired,
        maxSession: Duration? = nil,
        sources: [CIDR] = [],
        forwarding: [HostAndPort] = [],
        approval: ApprovalRule? = nil,
        files: FileRules = FileRules()
    ) {
        self.index = index
        self.line = line
        self.sourceFile = sourceFile
        self.subjects = subjects
        self.targetSelector = targetSelector
        self.logins = logins
        self.mode = mode
        self.from = from
        self.until = until
        self.hours = hours
        self.ticketRule = ticketRule
        self.maxSession = maxSession
        self.sources = sources
        self.forwarding = forwarding
        self.approval = approval
        self.files = files
    }

    /// `grant #2 (tracegate.yaml:41)`: short enough for a log line, precise enough to find.
    package var name: String {
        "grant #\(index) (\(URL(fileURLWithPath: sourceFile).lastPathComponent):\(line))"
    }

    package var validFrom: Date? { from?.date }
    package var validUntil: Date? { until?.date }

    /// The windows as one phrase, `Mon-Fri 08:00-20:00 Europe/Paris, Sat 09:00-12:00 UTC`.
    package var hoursDescription: String {
        hours.map(\.description).joined(separator: ", ")
    }

    /// Whether the grant applies to this user and target at all, whatever the login and conditions.
    package func applies(to user: User, target: Target) -> Bool {
        subjects.includes(user) && targetSelector.selects(target)
    }

    /// A `record` grant that applies and whose conditions all hold for the attempt.
    package func permits(_ attempt: AccessAttempt) -> Bool {
        mode == .record && applies(to: attempt.user, target: attempt.target) && logins.contains(attempt.login)
            && conditionFailure(at: attempt.time, sourceAddress: attempt.sourceAddress, ticket: attempt.ticket) == nil
    }

    /// What the engineer must know before connecting: `ticket matching ^INC-[0-9]+$`,
    /// `hours Mon-Fri 08:00-20:00 Europe/Paris`, `until 2026-12-31`, `max_session 8h`, …
    package var conditionSummary: [String] {
        var parts: [String] = []
        switch ticketRule {
        case .notRequired: break
        case .required: parts.append("ticket required")
        case .matching(let pattern): parts.append("ticket matching \(pattern)")
        }
        if !hours.isEmpty { parts.append("hours \(hoursDescription)") }
        if let from { parts.append("from \(from)") }
        if let until { parts.append("until \(until)") }
        if let maxSession { parts.append("max_session \(Self.render(maxSession))") }
        if !sources.isEmpty { parts.append("source \(sources.map(\.description).joined(separator: ", "))") }
        if requireSecondFactor { parts.append("verification code") }
        if let approval {
            parts.append("approval by \(approval.approversDescription) (valid \(Self.render(approval.valid)), wait \(Self.render(approval.wait)))")
        }
        if files.isRestricted { parts.append("files: \(files.summary)") }
        if let requireWatcher {
            let who = requireWatcher.users.map { "user \($0)" } + requireWatcher.groups.map { "group \($0)" }
                + requireWatcher.organizations.map { "org \($0)" }
            parts.append("watcher required (\(who.joined(separator: ", ")); max_wait \(Self.render(maxWait)))")
        }
        return parts
    }

    /// `8h`, `90m`, `45s`: the largest unit that divides the duration.
    package static func render(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
