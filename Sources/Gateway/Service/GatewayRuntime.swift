import Audit
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
    package let shutdown: ShutdownSignal
    package let admission: AdmissionControl
    package let penalties: PenaltyBook
    package let userSessions: UserSessions
    let journal: ConnectionJournal
    let auditStore: AuditStore
    /// Sign-in links printed by the shell's `web` and the web sessions they open.
    package let webSignIn = WebSignInBook()

    package init(settings: GatewaySettings, upstreamKey: PrivateKey, journal: ConnectionJournal, auditStore: AuditStore) {
        self.auditStore = auditStore
        currentSettings = Mutex((settings, 0))
        self.upstreamKey = upstreamKey
        shutdown = ShutdownSignal()
        admission = AdmissionControl()
        penalties = PenaltyBook()
        userSessions = UserSessions()
        self.journal = journal
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
