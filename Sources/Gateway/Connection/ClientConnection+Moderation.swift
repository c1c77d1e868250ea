import Foundation
import Policy

/// What a moderated session (`require_watcher`) waits for, and since when.
struct Moderation {
    let watchers: GrantSubjects
    let maxWait: Duration
    var waitingSince: Date?
    /// The engineer was told that the session waits (from the loop, not from inside the
    /// shell request's callback: libssh has not answered the request yet there).
    var announced = false

    /// `org retailer`, `group secops, user carol`.
    var who: String {
        (watchers.users.map { "user \($0)" } + watchers.groups.map { "group \($0)" } + watchers.organizations.map { "org \($0)" })
            .joined(separator: ", ")
    }

    var maxWaitText: String {
        let seconds = maxWait.components.seconds
        return seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }
}

/// Moderated sessions (issue 15 item 6): a shell under a grant with `require_watcher` relays
/// nothing, either way, until someone the selector names watches it; when the last such
/// watcher leaves it is held again; `max_wait` without one ends it. Commands and file
/// transfers, which cannot wait at a prompt, run only while such a watcher watches another
/// session of the same engineer on the same target.
extension ClientConnection {
    /// Whether `user` counts as a watcher for `selector` (an operator on the host does not:
    /// the grant names people of the organisations).
    func isPermittedWatcher(_ name: String, _ selector: GrantSubjects) -> Bool {
        guard let user = settings.policy.user(named: name) else { return false }
        return selector.includes(user)
    }

    /// For a command or a file transfer under a moderated grant.
    func watcherPresent(for selector: GrantSubjects, target: String) -> Bool {
        guard let user = context.user else { return false }
        return runtime.live.all.contains { session in
            session.user.name == user.name && session.target?.name == target
                && (session.feed?.watcherUserNames ?? []).contains { isPermittedWatcher($0, selector) }
        }
    }

    /// A shell just started under a moderated grant: held until its watcher comes.
    func beginModeration(_ bridge: ChannelBridge, watchers: GrantSubjects, maxWait: Duration) {
        bridge.moderation = Moderation(watchers: watchers, maxWait: maxWait, waitingSince: Date())
        bridge.held = true
    }

    /// On every oversight wake and periodic check.
    func checkModeration() {
        for bridge in bridges where bridge.isRelaying {
            guard var moderation = bridge.moderation, let feed = bridge.live?.feed else { continue }
            let present = feed.watcherUserNames.first { isPermittedWatcher($0, moderation.watchers) }
            if !moderation.announced && present == nil {
                moderation.announced = true
                bridge.notice("tracegate: this session waits for a watcher (\(moderation.who)) before it reaches \(context.target?.name ?? "the target"); at most \(moderation.maxWaitText)")
                notifyWatcherAwaited(bridge, moderation, reason: "session_started")
            }
            if let present, bridge.held {
                bridge.held = false
                moderation.waitingSince = nil
                bridge.notice("tracegate: \(present) is watching; the session goes on")
            } else if present == nil && !bridge.held {
                bridge.held = true
                moderation.waitingSince = Date()
                bridge.notice("tracegate: no watcher (\(moderation.who)) any more: input and output are held until one returns; at most \(moderation.maxWaitText)")
                notifyWatcherAwaited(bridge, moderation, reason: "watcher_left")
            } else if present == nil, let since = moderation.waitingSince,
                      Date().timeIntervalSince(since) >= Double(moderation.maxWait.components.seconds) {
                let ended = Refusal.watcherNeverCame(who: moderation.who, waited: moderation.maxWaitText)
                journal.requestRefused(context, refusal: ended)
                bridge.held = false
                bridge.refuse(ended)
            }
            bridge.moderation = moderation
        }
    }

    /// Tells the operator's `notify:` command (the consent issue's) that a moderated session
    /// waits, so that someone who may watch hears of it without looking at `live`.
    private func notifyWatcherAwaited(_ bridge: ChannelBridge, _ moderation: Moderation, reason: String) {
        guard let live = bridge.live else { return }
        let listen = settings.configuration.listen
        runtime.notifier.send([
            "event": "watcher.awaited", "id": live.id, "reason": reason,
            "user": live.user.name, "organization": live.user.organization,
            "target": live.target?.name ?? "", "login": live.login ?? "", "ticket": live.ticket ?? "",
            "source": context.clientAddress, "watchers": moderation.who,
            "max_wait": moderation.maxWaitText,
            "watch_with": "ssh -p \(listen.port) \(listen.host) watch \(live.id)",
        ], with: settings.configuration.notify)
    }
}
