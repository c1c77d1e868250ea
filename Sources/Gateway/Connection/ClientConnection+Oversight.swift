import Audit
import Foundation
import Policy

/// Oversight as one connection lives it: its sessions are listed in the runtime's registry,
/// orders from other threads (terminate, a watcher's notice) arrive through its control and
/// are carried out here, on the thread that owns the libssh sessions, and locks end what
/// they cover within a poll.
extension ClientConnection {
    /// The connection's control, created (and watched by the poller) on first use.
    func oversightControl() -> ConnectionControl {
        if let control { return control }
        let created = ConnectionControl(connectionID: context.id)
        if let descriptor = created.descriptor { poller.addSignalDescriptor(descriptor) }
        runtime.live.addConnection(created)
        control = created
        return created
    }

    /// A session channel now relays to the target: listed for `live`, and watchable unless it
    /// carries a file transfer (a subsystem's payload is not a terminal).
    func registerLive(_ bridge: ChannelBridge, command: SessionCommand, recordingPath: String?) {
        guard let user = context.user else { return }
        var feed: WatchFeed?
        if case .subsystem = command {} else {
            feed = WatchFeed(recordingPath: recordingPath, columns: bridge.terminal?.size.columns,
                             rows: bridge.terminal?.size.rows)
        }
        let session = LiveSession(id: bridge.sessionID, connectionID: context.id, user: user, target: context.target,
                                  login: context.login, kind: command.kind, command: command.text, ticket: context.ticket,
                                  control: oversightControl(), feed: feed)
        bridge.live = session
        if let feed { bridge.publish(to: feed) }
        runtime.live.add(session)
    }

    func registerLive(_ tunnel: TunnelBridge) {
        guard let user = context.user else { return }
        let session = LiveSession(id: tunnel.sessionID, connectionID: context.id, user: user, target: tunnel.target,
                                  login: nil, kind: "tunnel", command: nil, ticket: context.ticket,
                                  control: oversightControl(), feed: nil)
        tunnel.live = session
        runtime.live.add(session)
    }

    /// A forwarded port (`ssh -L`) under a recorded grant: listed, not watchable.
    func registerLiveForward(_ bridge: ChannelBridge) {
        guard let user = context.user else { return }
        let session = LiveSession(id: bridge.sessionID, connectionID: context.id, user: user, target: context.target,
                                  login: context.login, kind: "forward", command: nil, ticket: context.ticket,
                                  control: oversightControl(), feed: nil)
        bridge.live = session
        runtime.live.add(session)
    }

    /// Every trip: one atomic load; orders are carried out when there are some.
    /// Returns whether it touched the sessions.
    func checkOversightMail() -> Bool {
        guard let control, control.hasMail else { return false }
        for order in control.takeOrders() {
            switch order {
            case .terminate(let sessionID, let termination):
                let ended = Refusal.terminated(termination)
                if let bridge = bridges.first(where: { $0.sessionID == sessionID }) {
                    bridge.refuse(ended)
                } else if let tunnel = tunnels.first(where: { $0.sessionID == sessionID }) {
                    tunnel.termination = termination
                    tunnel.end()
                }
            case .notify(let sessionID, let text):
                bridges.first(where: { $0.sessionID == sessionID })?.notice(text)
            }
        }
        enforceLocks()
        checkModeration()
        return true
    }

    /// On the periodic checks: counters for `live`, and the locks when they changed.
    func checkOversight() {
        for bridge in bridges {
            guard let live = bridge.live else { continue }
            let bytes = bridge.relayedBytes
            live.update(bytesIn: bytes.toTarget, bytesOut: bytes.fromTarget)
        }
        for tunnel in tunnels {
            tunnel.live?.update(bytesIn: tunnel.bytesToTarget, bytesOut: tunnel.bytesFromTarget)
        }
        enforceLocks()
        checkModeration()
    }

    /// A lock on the user ends the whole connection; one on a target ends what reaches it.
    private func enforceLocks() {
        let generation = runtime.locks.generation
        guard generation != locksGeneration else { return }
        locksGeneration = generation
        guard let user = context.user, isAuthenticated else { return }
        if let lock = runtime.locks.lock(user: user.name) {
            let ended = Refusal.locked(lock, ended: true)
            journal.requestRefused(context, refusal: ended)
            for tunnel in tunnels {
                tunnel.termination = ended.termination
                tunnel.end()
            }
            if case .authorized = phase { phase = .authorized(.refused(.locked(lock, ended: false))) }
            beginDraining(because: ended)
            return
        }
        for tunnel in tunnels {
            guard let lock = runtime.locks.lock(target: tunnel.target.name) else { continue }
            tunnel.termination = Refusal.locked(lock, ended: true).termination
            tunnel.end()
        }
        if case .authorized(.allowed(_, let target, _, _)) = phase, let lock = runtime.locks.lock(target: target.name) {
            let ended = Refusal.locked(lock, ended: true)
            journal.requestRefused(context, refusal: ended)
            for bridge in bridges where bridge.isRelaying { bridge.refuse(ended) }
            phase = .authorized(.refused(.locked(lock, ended: false)))
        }
    }

    /// A lock in force on `user` or `target` refuses a new connection or session.
    func lockRefusal(user: String?, target: String?) -> Refusal? {
        if let user, let lock = runtime.locks.lock(user: user) { return .locked(lock, ended: false) }
        if let target, let lock = runtime.locks.lock(target: target) { return .locked(lock, ended: false) }
        return nil
    }

    /// A session or tunnel leaves the registry (and its watchers are told).
    func unregisterLive(_ sessionID: String) {
        runtime.live.remove(sessionID)
    }
}

extension Refusal {
    /// Who ended the session, for its `session.close`, when an overseer or a lock did.
    var termination: SessionTermination? {
        switch self {
        case .terminated(let termination): termination
        case .locked(let lock, _):
            SessionTermination(by: lock.createdBy, organization: lock.createdByOrganization,
                               reason: "\(lock.kind.rawValue) \(lock.name) locked: \(lock.reason)", lockID: lock.id)
        default: nil
        }
    }
}
