import Audit
import Foundation
import Policy

/// The oversight acts against the running gateway, shared by the gateway shell and the
/// operator's control socket. Rights are checked here, where the data is read: a caller
/// sees, watches, ends and locks only what `oversight:` gives them, and every act (and every
/// refusal) is an audit event before it takes effect.
struct OversightDesk {
    let runtime: GatewayRuntime
    let caller: OversightCaller

    enum Failure: Error {
        /// One line for the caller; also the reason of the `oversight.refused` event.
        case refused(String)
        case failed(String)

        var message: String {
            switch self {
            case .refused(let text), .failed(let text): "tracegate: \(text)"
            }
        }
    }

    private var policy: AccessPolicy { runtime.settings.policy }
    private var audit: AuditWriter { runtime.journal.audit }

    /// The entry that gives the caller `right` over `session`, or "operator" for the host's root.
    func rule(_ right: OversightRight, over session: LiveSession) -> String? {
        switch caller.identity {
        case .hostOperator: return "operator"
        case .user(let user):
            return policy.oversightRule(right, holder: user, sessionOwner: session.user.name, target: session.target)?.name
        }
    }

    // MARK: live

    /// The running sessions the caller may list, oldest first.
    func visibleSessions() -> [LiveSession] {
        let visible = runtime.live.all.filter { rule(.list, over: $0) != nil }
        audit.record(.oversightList(caller.audit, count: visible.count))
        return visible
    }

    // MARK: terminate

    /// Ends `sessionID` with `reason`: durable `session.terminate`, then the owning connection
    /// is told and ends it within a poll.
    func terminate(_ sessionID: String, reason: String) throws(Failure) -> LiveSession {
        let session = try find(sessionID, command: "terminate")
        guard let rule = rule(.terminate, over: session) else {
            throw refuse("terminate", sessionID: sessionID, "you may not terminate session \(sessionID)")
        }
        do {
            try audit.recordDurably(.sessionTerminate(caller.audit, session: overseen(session), reason: reason, rule: rule))
        } catch {
            throw .failed("the audit trail cannot be written; nothing was done")
        }
        session.control.send(.terminate(sessionID: session.id, SessionTermination(
            by: caller.name, organization: caller.organization, reason: reason)))
        return session
    }

    // MARK: watch

    func watchable(_ sessionID: String) throws(Failure) -> (session: LiveSession, feed: WatchFeed, rule: String, mayTerminate: Bool) {
        let session = try find(sessionID, command: "watch")
        guard let rule = rule(.watch, over: session) else {
            throw refuse("watch", sessionID: sessionID, "you may not watch session \(sessionID)")
        }
        guard let feed = session.feed else {
            throw refuse("watch", sessionID: sessionID, "session \(sessionID) is a \(session.kind): there is no terminal or output to watch")
        }
        return (session, feed, rule, self.rule(.terminate, over: session) != nil)
    }

    // MARK: locks

    func lock(_ kind: LockRecord.Kind, _ name: String, for duration: Duration?, reason: String) throws(Failure) -> LockRecord {
        let command = "lock \(kind.rawValue)"
        let rule: String
        switch caller.identity {
        case .hostOperator:
            rule = "operator"
            guard kind == .user ? policy.user(named: name) != nil : policy.target(named: name) != nil else {
                throw refuse(command, sessionID: nil, "no \(kind.rawValue) named \(SafeText.quoted(name, limit: 64))")
            }
        case .user(let user):
            let found = kind == .user ? policy.lockRule(holder: user, user: name) : policy.lockRule(holder: user, target: name)
            guard let found else {
                throw refuse(command, sessionID: nil, "you may not lock \(kind.rawValue) \(SafeText.quoted(name, limit: 64))")
            }
            rule = found.name
        }
        let now = AuditTimestamp.now()
        let expires = duration.map { duration -> AuditTimestamp in
            let components = duration.components
            return AuditTimestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + components.seconds * 1_000_000
                                  + components.attoseconds / 1_000_000_000_000)
        }
        let lock = LockRecord(id: AuditIdentifier.make(prefix: "l-"), kind: kind, name: name, reason: reason,
                              createdAt: now, createdBy: caller.name, createdByOrganization: caller.organization,
                              expiresAt: expires)
        do {
            try runtime.lockStore.create(lock, context: caller.audit, rule: rule)
        } catch {
            throw .failed("the lock cannot be stored (\(error)); nothing was done")
        }
        runtime.locks.add(lock)
        // Every connection looks: matching sessions and tunnels end within a poll.
        runtime.live.nudgeAll()
        return lock
    }

    /// `unlock ID`, `unlock user NAME` or `unlock target NAME`: every matching lock in force.
    func unlock(id: String?, kind: LockRecord.Kind?, name: String?) throws(Failure) -> [LockRecord] {
        let matching = runtime.locks.inForce().filter { lock in
            if let id { return lock.id == id }
            return lock.kind == kind && lock.name == name
        }
        let what = id ?? "\(kind?.rawValue ?? "") \(name ?? "")"
        guard !matching.isEmpty else { throw .failed("no lock in force matches \(SafeText.quoted(what, limit: 64))") }
        var lifted: [LockRecord] = []
        for lock in matching {
            guard let rule = mayManage(lock) else {
                throw refuse("unlock", sessionID: nil, "you may not unlock \(lock.kind.rawValue) \(lock.name)")
            }
            do {
                try runtime.lockStore.remove(lock, context: caller.audit, rule: rule)
            } catch {
                throw .failed("the lock cannot be lifted (\(error))")
            }
            runtime.locks.remove(lock.id)
            lifted.append(lock)
        }
        return lifted
    }

    /// The locks in force that the caller could lift (what they may see).
    func visibleLocks() -> [LockRecord] {
        let visible = runtime.locks.inForce().filter { mayManage($0) != nil }
        audit.record(.oversightList(caller.audit, count: visible.count))
        return visible
    }

    private func mayManage(_ lock: LockRecord) -> String? {
        switch caller.identity {
        case .hostOperator: return "operator"
        case .user(let user):
            let rule = lock.kind == .user ? policy.lockRule(holder: user, user: lock.name) : policy.lockRule(holder: user, target: lock.name)
            return rule?.name
        }
    }

    // MARK: shared

    /// An unknown session and one the caller may not list read the same: no probing for ids.
    private func find(_ sessionID: String, command: String) throws(Failure) -> LiveSession {
        guard let session = runtime.live.session(sessionID), rule(.list, over: session) != nil
                || rule(.watch, over: session) != nil || rule(.terminate, over: session) != nil else {
            throw refuse(command, sessionID: sessionID, "no running session \(SafeText.quoted(sessionID, limit: 40)) that you may oversee")
        }
        return session
    }

    private func refuse(_ command: String, sessionID: String?, _ text: String) -> Failure {
        audit.record(.oversightRefused(caller.audit, command: command, sessionID: sessionID, reason: text))
        return .refused(text)
    }

    func overseen(_ session: LiveSession) -> OverseenSession {
        OverseenSession(id: session.id, user: session.user.name, organization: session.user.organization,
                        target: session.target?.name)
    }
}
