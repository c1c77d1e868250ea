import Audit
import Synchronization
import SSH

/// What every connection thread shares: the current settings (swapped whole on reload),
/// the gateway's upstream key, the shutdown signal, admission counts and the journal.
package final class GatewayRuntime: Sendable {
    /// The settings and how many times they were replaced, so that running connections
    /// notice a reload cheaply.
    private let currentSettings: Mutex<(settings: GatewaySettings, generation: Int)>
    let upstreamKey: PrivateKey
    package let shutdown: ShutdownSignal
    package let admission: AdmissionControl
    package let penalties: PenaltyBook
    package let userSessions: UserSessions
    let journal: ConnectionJournal
    let auditStore: AuditStore
    /// Running sessions, for `live`, `watch` and `terminate`.
    package let live: LiveSessions
    /// Locks in force (in memory) and where they are kept.
    package let locks: LockBook
    let lockStore: any LockStore

    package init(settings: GatewaySettings, upstreamKey: PrivateKey, journal: ConnectionJournal, auditStore: AuditStore) {
        self.auditStore = auditStore
        currentSettings = Mutex((settings, 0))
        self.upstreamKey = upstreamKey
        shutdown = ShutdownSignal()
        admission = AdmissionControl()
        penalties = PenaltyBook()
        userSessions = UserSessions()
        self.journal = journal
        live = LiveSessions()
        locks = LockBook()
        lockStore = auditStore.lockStore(writer: journal.audit)
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
