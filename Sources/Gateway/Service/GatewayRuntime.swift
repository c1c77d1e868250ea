import Audit
import ClusterStore
import Foundation
import Synchronization
import SSH
import Web

/// What every connection thread shares: the current settings (swapped whole on reload),
/// the gateway's upstream key, the shutdown signal, admission counts and the journal.
package final class GatewayRuntime: Sendable {
    /// The settings and how many times they were replaced, so that running connections
    /// notice a reload cheaply.
    private let currentSettings: Mutex<(settings: GatewaySettings, generation: Int)>
    let upstreamKey: PrivateKey
    /// Signs the certificates of `upstream_auth: certificate` logins.
    let certificates: UpstreamCertificateIssuer
    package let shutdown: ShutdownSignal
    package let admission: AdmissionControl
    package let penalties: PenaltyBook
    /// Penalties across the nodes of a cluster; the local (no-op) one on a single node.
    let penaltyExchange: any PenaltyExchange
    package let userSessions: UserSessions
    /// Approval requests waiting and approvals in force, shared by every connection.
    package let approvals: ApprovalBoard
    /// The operator's `notify:` command, run off every session's path.
    let notifier: Notifier
    let journal: ConnectionJournal
    let auditStore: AuditStore
    /// Sealed secrets, enrolment windows, used steps and reuse records (issue 13).
    let secondFactors: any SecondFactorStore
    /// Running sessions, for `live`, `watch` and `terminate`.
    package let live: LiveSessions
    /// Locks in force (in memory) and where they are kept.
    package let locks: LockBook
    let lockStore: any LockStore
    /// Approval requests and decisions across the nodes of a cluster; nil on a single node.
    let approvalExchange: (any ApprovalExchange)?
    /// Break-glass review items as every reader sees them: this node's file on a single node,
    /// the cluster's (in PostgreSQL) on a clustered one.
    let reviews: any ReviewStore
    /// Review items across the nodes of a cluster; nil on a single node.
    let reviewExchange: (any ReviewExchange)?
    /// Requests waiting on the other nodes (empty on a single node).
    let approvalsElsewhere = ApprovalsElsewhere()
    /// Sign-in links printed by the shell's `web` and the web sessions they open.
    package let webSignIn = WebSignInBook()

    /// `sharedState`: the cluster's feed when `cluster:` is configured; locks then reach every
    /// node through it (the store interface stays the same, `Gateway`'s logic unchanged).
    package init(settings: GatewaySettings, upstreamKey: PrivateKey, journal: ConnectionJournal, auditStore: AuditStore,
                 secondFactors: any SecondFactorStore, sharedState: ClusterStateFeed? = nil) {
        self.auditStore = auditStore
        self.secondFactors = secondFactors
        currentSettings = Mutex((settings, 0))
        self.upstreamKey = upstreamKey
        certificates = UpstreamCertificateIssuer(
            stateDirectory: settings.configuration.stateDirectory, upstreamKeyBlob: upstreamKey.publicKey.blob,
            serials: CertificateSerialAllocator(store: auditStore))
        shutdown = ShutdownSignal()
        admission = AdmissionControl()
        penalties = PenaltyBook()
        userSessions = UserSessions()
        approvals = ApprovalBoard()
        notifier = Notifier(logger: journal.logger, metrics: journal.metrics)
        self.journal = journal
        live = LiveSessions()
        locks = LockBook()
        let localLocks = auditStore.lockStore(writer: journal.audit)
        if let sharedState {
            lockStore = ClusteredLockStore(local: localLocks, feed: sharedState)
            approvalExchange = ClusteredApprovalExchange(feed: sharedState)
            let clusteredReviews = ClusteredReviews(feed: sharedState, local: auditStore)
            reviews = clusteredReviews
            reviewExchange = clusteredReviews
            penaltyExchange = ClusteredPenaltyExchange(feed: sharedState)
        } else {
            lockStore = localLocks
            approvalExchange = nil
            reviews = auditStore
            reviewExchange = nil
            penaltyExchange = LocalPenaltyExchange()
        }
    }

    /// A penalty that began on this node (already audited, as ending at `until`): queued for
    /// the other nodes, never waited on.
    func sharePenalty(_ penalty: ImposedPenalty, until: AuditTimestamp) {
        penaltyExchange.imposed(source: penalty.source, until: until, level: penalty.strike,
                                reason: penalty.offence.rawValue)
    }

    /// The penalties in force imposed by the other nodes (from the shared-state feed's thread):
    /// each is enforced here too, until its end, without a new audit event (the evidence is in
    /// the imposing node's chain) and without being shared again. Re-read every few seconds:
    /// a penalty already known changes nothing.
    package func applyClusterPenalties(_ all: [SharedPenalty]) {
        let settings = settings.configuration.penalties
        let wallNow = AuditTimestamp.now()
        let now = ContinuousClock.now
        for penalty in all {
            let remaining = penalty.until.microsecondsSinceEpoch - wallNow.microsecondsSinceEpoch
            guard remaining > 0 else { continue }
            if penalties.adopt(source: penalty.source, until: now + .microseconds(remaining), strike: penalty.level,
                               settings: settings, now: now) {
                journal.logger.info("source penalised by another node: new connections refused at accept here too", metadata: [
                    "tg.source": "\(penalty.source)", "tg.penalty_node": "\(penalty.node)",
                    "tg.offence": "\(penalty.reason)", "tg.strike": "\(penalty.level)", "tg.until": "\(penalty.until.iso8601)",
                ])
            }
        }
    }

    /// The locks in force as the cluster sees them (from the shared-state feed's thread):
    /// when they changed, every connection looks, so that a lock set through another node
    /// ends the matching sessions here within a poll and refuses new ones.
    package func applyClusterLocks(_ all: [LockRecord]) {
        if locks.replaceIfChanged(all) { live.nudgeAll() }
    }

    /// Decisions made on other nodes for requests waiting here: the waiting connections see
    /// them on their next look at the board (every ~100 ms), woken at once.
    package func applyClusterApprovalDecisions(_ decisions: [SharedApprovalDecision]) {
        for decision in decisions {
            let outcome: ApprovalBoard.Outcome
            if decision.approved, let until = decision.validUntil {
                outcome = .approved(ApprovalBoard.InForce(
                    approvalID: decision.id, approver: decision.approver,
                    validUntil: Date(timeIntervalSince1970: Double(until.microsecondsSinceEpoch) / 1_000_000)))
            } else {
                outcome = .denied(approver: decision.approver, reason: decision.note ?? "")
            }
            approvals.publishDecision(outcome, for: decision.id)
        }
        live.nudgeAll()
    }

    /// The cluster's waiting requests and approvals in force: an approval given anywhere
    /// covers the user's new sessions on this node too, as on the node that asked.
    package func applyClusterApprovals(pending: [SharedApprovalRequest], inForce: [SharedApprovalInForce]) {
        let local = Set(approvals.undecidedIDs())
        approvalsElsewhere.replace(pending.filter { !local.contains($0.id) })
        for approval in inForce {
            approvals.restore(
                ApprovalBoard.InForce(approvalID: approval.id, approver: approval.approver,
                                      validUntil: Date(timeIntervalSince1970: Double(approval.validUntil.microsecondsSinceEpoch) / 1_000_000)),
                covering: ApprovalBoard.Coverage(user: approval.user, target: approval.target, login: approval.login,
                                                 ticket: approval.ticket))
        }
    }

    /// Loads the locks in force from the store (at start): a restart keeps every lock.
    package func loadLocks() throws(AuditError) {
        locks.replace(try lockStore.locksInForce(at: .now()))
    }

    package var settings: GatewaySettings { currentSettings.withLock { $0.settings } }

    var settingsGeneration: Int { currentSettings.withLock { $0.generation } }

    /// The settings, if they were replaced after `generation`.
    func settings(newerThan generation: Int) -> (settings: GatewaySettings, generation: Int)? {
        currentSettings.withLock { $0.generation > generation ? $0 : nil }
    }

    package func replaceSettings(_ settings: GatewaySettings) {
        currentSettings.withLock { $0 = (settings, $0.generation + 1) }
    }
}
