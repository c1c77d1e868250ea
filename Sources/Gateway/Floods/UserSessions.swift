import Synchronization

/// Session channels open right now, per user, across all of that user's connections
/// (`limits.max_sessions_per_user`). Keyed by session id, so that closing is idempotent and
/// a session that was refused (never counted) closes as a no-op.
package final class UserSessions: Sendable {
    private struct State {
        var countByUser: [String: Int] = [:]
        var userBySession: [String: String] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// Counts `sessionID` for `user` unless the user already has `limit` open; false means refused.
    package func open(_ sessionID: String, user: String, limit: Int) -> Bool {
        state.withLock { state in
            guard state.countByUser[user, default: 0] < limit else { return false }
            state.countByUser[user, default: 0] += 1
            state.userBySession[sessionID] = user
            return true
        }
    }

    package func close(_ sessionID: String) {
        state.withLock { state in
            guard let user = state.userBySession.removeValue(forKey: sessionID) else { return }
            let remaining = state.countByUser[user, default: 1] - 1
            state.countByUser[user] = remaining > 0 ? remaining : nil
        }
    }

    package func count(for user: String) -> Int {
        state.withLock { $0.countByUser[user, default: 0] }
    }
}
