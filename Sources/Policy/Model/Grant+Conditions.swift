import Foundation

/// The conditions of a grant, checked in a fixed order that is also their rank: when no grant
/// allows, the denial names the condition a near-miss grant failed (see `AccessPolicy`).
package enum GrantCondition: Int, Comparable, Hashable, Sendable {
    case source
    case validity
    case hours
    case ticket

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Grant {
    /// The first condition that does not hold, in the order source, validity dates, hours,
    /// ticket; nil when all hold. Later conditions are the ones an engineer can still satisfy
    /// (wait for the hours, give a ticket), so an earlier failure is the one worth reporting.
    package func conditionFailure(at time: Date, sourceAddress: String?, ticket: String?) -> (GrantCondition, DenialReason)? {
        if !allowsSource(sourceAddress) {
            return (.source, .sourceNotAllowed(sourceAddress.map(DenialReason.renderAddress)))
        }
        if let from, time < from.date { return (.validity, .grantNotYetValid(from.description)) }
        if let until, time >= until.date { return (.validity, .grantExpired(until.description)) }
        if !hours.isEmpty, !hours.contains(where: { $0.contains(time) }) {
            return (.hours, .outsideHours(hoursDescription))
        }
        switch ticketRule.judge(ticket) {
        case .accepted: return nil
        case .missing: return (.ticket, .ticketRequired)
        case .malformed: return (.ticket, .ticketMalformed)
        case .mismatch(let pattern): return (.ticket, .ticketMismatch(pattern))
        }
    }

    /// No `source` allows any address; with one, an unknown address is refused (fail closed).
    package func allowsSource(_ sourceAddress: String?) -> Bool {
        guard !sources.isEmpty else { return true }
        guard let address = sourceAddress.flatMap(IPAddress.init(parsing:)) else { return false }
        return sources.contains { $0.contains(address) }
    }

    /// The earliest of `until`, the end of the `hours` window the session started in, and the
    /// start plus `max_session`; nil when the grant bounds none of them. On a tie the cause
    /// listed first wins. A start outside every window ends at once.
    package func deadline(startedAt start: Date) -> SessionDeadline? {
        var candidates: [SessionDeadline] = []
        if let until {
            candidates.append(SessionDeadline(
                date: until.date, cause: .validityEnds, reason: "the grant is valid until \(until)"))
        }
        if !hours.isEmpty, let end = hoursEnd(after: start) {
            candidates.append(SessionDeadline(date: end, cause: .hoursEnd, reason: "the grant's hours \(hoursDescription) end"))
        }
        if let maxSession {
            let seconds = TimeInterval(maxSession.components.seconds)
            candidates.append(SessionDeadline(
                date: start.addingTimeInterval(seconds), cause: .maxSession,
                reason: "the grant's max_session of \(Self.render(maxSession)) is reached"))
        }
        return candidates.min { $0.date < $1.date }
    }

    /// `deadline(startedAt:)` as a pair, for callers that only need when and why.
    package func sessionDeadline(startedAt start: Date) -> (Date, reason: String)? {
        deadline(startedAt: start).map { ($0.date, reason: $0.reason) }
    }

    /// When the hours stop covering `start`: windows that touch or overlap are followed into
    /// one another, so `Mon-Fri 08:00-20:00` plus `Mon-Fri 20:00-22:00` ends at 22:00. Windows
    /// that cover a whole week without a gap never end: nil.
    private func hoursEnd(after start: Date) -> Date? {
        var end = start
        // Each step moves to a later occurrence of some window, and 8 days hold at most 9 of each.
        for _ in 0...(hours.count * 9) {
            let ends = hours.compactMap { $0.end(ofOccurrenceContaining: end) }
            guard let latest = ends.max() else { return end }
            if latest.timeIntervalSince(start) > 8 * 86_400 { return nil }
            end = latest
        }
        return nil
    }
}
