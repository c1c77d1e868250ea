import Foundation
import Policy
import Synchronization

/// The gateway-wide board of approval requests and approvals in force. A requester's
/// connection thread opens a request and looks at it on its own schedule (it owns its libssh
/// sessions, so nothing here calls into it); an approver's gateway shell, on another
/// connection's thread, claims a request, makes the decision durable, then publishes it.
/// The trail (`approval.*` events) is the durable record; this board is rebuilt from it at start.
package final class ApprovalBoard: Sendable {
    /// What one approval covers: new sessions of the same user, target, login and ticket.
    struct Coverage: Hashable, Sendable {
        var user: String
        var target: String
        var login: String
        var ticket: String?
    }

    struct Request: Sendable {
        var id: String
        var connectionID: String
        var coverage: Coverage
        var organization: String
        var sourceAddress: String
        var command: String
        var rule: ApprovalRule
        var grantName: String
        var requestedAt: Date
        var waitUntil: Date
    }

    struct InForce: Sendable {
        var approvalID: String
        var approver: String
        var validUntil: Date
    }

    enum Outcome: Sendable {
        case approved(InForce)
        case denied(approver: String, reason: String)
    }

    enum ClaimError: Error, Sendable {
        case unknown
        case ended(String)
        case refused(ApprovalRefusal)
        case beingDecided
    }

    private struct State {
        var pending: [String: Request] = [:]
        var claimed: Set<String> = []
        var outcomes: [String: Outcome] = [:]
        var inForce: [Coverage: InForce] = [:]
        /// Requests that ended, by id, with how (bounded), so that a late approver reads why.
        var ended: [String: String] = [:]
        var endedOrder: [String] = []
    }

    private static let endedMemory = 4096
    private let state = Mutex(State())

    package init() {}

    /// An approval that still covers `coverage` at `now`.
    func approval(covering coverage: Coverage, at now: Date) -> InForce? {
        state.withLock { state in
            guard let approval = state.inForce[coverage] else { return nil }
            guard approval.validUntil > now else {
                state.inForce[coverage] = nil
                return nil
            }
            return approval
        }
    }

    func open(_ request: Request) {
        state.withLock { $0.pending[request.id] = request }
    }

    /// The decision on `id`, once published.
    func outcome(of id: String) -> Outcome? {
        state.withLock { $0.outcomes[id] }
    }

    /// Requests waiting now, oldest first.
    func pendingRequests() -> [Request] {
        state.withLock { state in
            state.pending.values.filter { !state.claimed.contains($0.id) }.sorted { $0.requestedAt < $1.requestedAt }
        }
    }

    /// The request leaves the board (decided and seen, withdrawn, expired); `how` is what a
    /// late approver reads.
    func end(_ id: String, how: String) {
        state.withLock { state in
            state.pending[id] = nil
            state.claimed.remove(id)
            state.outcomes[id] = nil
            state.ended[id] = how
            state.endedOrder.append(id)
            if state.endedOrder.count > Self.endedMemory {
                let old = state.endedOrder.removeFirst()
                state.ended[old] = nil
            }
        }
    }

    /// Reserves `id` for `approver`'s decision: nobody else can decide it meanwhile.
    func claim(_ id: String, by approver: User, at now: Date) -> Result<Request, ClaimError> {
        state.withLock { state in
            guard let request = state.pending[id] else {
                if let how = state.ended[id] { return .failure(.ended(how)) }
                return .failure(.unknown)
            }
            if let refusal = request.rule.refusal(
                approver: approver, requester: request.coverage.user, requesterOrganization: request.organization)
            {
                return .failure(.refused(refusal))
            }
            if state.claimed.contains(id) || state.outcomes[id] != nil { return .failure(.beingDecided) }
            if request.waitUntil <= now { return .failure(.ended("expired")) }
            state.claimed.insert(id)
            return .success(request)
        }
    }

    /// The claim is given back (the decision could not be made durable).
    func release(_ id: String) {
        _ = state.withLock { $0.claimed.remove(id) }
    }

    /// Publishes a durable decision for the requester to see; an approval covers new sessions.
    func publish(_ outcome: Outcome, for request: Request) {
        state.withLock { state in
            state.claimed.remove(request.id)
            state.outcomes[request.id] = outcome
            if case .approved(let approval) = outcome { state.inForce[request.coverage] = approval }
        }
    }

    /// Requests waiting here with no decision yet: what another node may have decided.
    func undecidedIDs() -> [String] {
        state.withLock { state in state.pending.keys.filter { state.outcomes[$0] == nil } }
    }

    /// A decision made on another node, durable in that node's chain, for a request waiting
    /// here: published as if it were made here. Ignored when the request is no longer waiting
    /// or already decided (a decision is made once, by one claim in PostgreSQL).
    func publishDecision(_ outcome: Outcome, for id: String) {
        state.withLock { state in
            guard let request = state.pending[id], state.outcomes[id] == nil else { return }
            state.outcomes[id] = outcome
            if case .approved(let approval) = outcome { state.inForce[request.coverage] = approval }
        }
    }

    /// Puts an approval from the trail back in force (at start).
    func restore(_ approval: InForce, covering coverage: Coverage) {
        state.withLock { state in
            if let current = state.inForce[coverage], current.validUntil >= approval.validUntil { return }
            state.inForce[coverage] = approval
        }
    }
}
