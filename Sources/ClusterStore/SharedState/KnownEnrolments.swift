import Synchronization

/// The names of the users enrolled for a second factor, as this node's feed last read them
/// from PostgreSQL (on every `mfa:USER` notification and every periodic re-read). Names only:
/// secrets are read when a login needs one, never kept.
///
/// Why a node keeps them: while PostgreSQL is unreachable, the second factor fails closed, but
/// a user the cluster did not have enrolled (nor can enrol meanwhile: enrolment needs
/// PostgreSQL) is asked for no code in the gateway's own shell, and an outage must not lock
/// every such operator out of it (that is where locks are set during an outage). Nil until the
/// first read: a node that never reached PostgreSQL knows nothing and refuses.
package final class KnownEnrolments: Sendable {
    private let users = Mutex<Set<String>?>(nil)

    package init() {}

    func replace(with enrolled: Set<String>) {
        users.withLock { $0 = enrolled }
    }

    /// False only for a user known not to be enrolled; nil when nothing was read yet.
    func isEnrolled(_ user: String) -> Bool? {
        users.withLock { $0.map { $0.contains(user) } }
    }
}
