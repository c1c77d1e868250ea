import Audit
import Synchronization

/// The requests waiting on the other nodes of a cluster, as the shared-state feed last read
/// them (on every change, and every few seconds): what `approvals` lists beside this node's
/// own board. Deciding one never trusts this copy: the decision is a claim in PostgreSQL.
package final class ApprovalsElsewhere: Sendable {
    private let requests = Mutex<[SharedApprovalRequest]>([])

    package init() {}

    func replace(_ all: [SharedApprovalRequest]) {
        requests.withLock { $0 = all }
    }

    /// Oldest first.
    var all: [SharedApprovalRequest] { requests.withLock { $0 } }
}
