import Synchronization
import SSH

/// What every connection thread shares: the current settings (swapped whole on reload),
/// the gateway's upstream key, the shutdown signal, admission counts and the journal.
package final class GatewayRuntime: Sendable {
    private let currentSettings: Mutex<GatewaySettings>
    let upstreamKey: PrivateKey
    package let shutdown: ShutdownSignal
    package let admission: AdmissionControl
    let journal: ConnectionJournal

    package init(settings: GatewaySettings, upstreamKey: PrivateKey, journal: ConnectionJournal) {
        currentSettings = Mutex(settings)
        self.upstreamKey = upstreamKey
        shutdown = ShutdownSignal()
        admission = AdmissionControl()
        self.journal = journal
    }

    package var settings: GatewaySettings { currentSettings.withLock { $0 } }

    package func replaceSettings(_ settings: GatewaySettings) {
        currentSettings.withLock { $0 = settings }
    }
}
