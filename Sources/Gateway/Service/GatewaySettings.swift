import Policy
import Recording
import SSH

/// The configuration a connection runs under, taken whole when it is accepted so that a
/// reload never changes the rules in the middle of a handshake.
package struct GatewaySettings: Sendable {
    package let configuration: GatewayConfiguration
    package let policy: AccessPolicy

    package init(configuration: GatewayConfiguration) {
        self.configuration = configuration
        self.policy = AccessPolicy(configuration: configuration)
    }

    var limits: ConnectionLimits { configuration.limits }

    /// Whether an engineer is told when someone starts or stops watching (`watch_notice`).
    var announcesWatchers: Bool { configuration.watchNotice }

    var serverAlgorithms: SSHAlgorithms {
        let preferences = configuration.algorithms
        return SSHAlgorithms(keyExchange: preferences.kex, ciphers: preferences.ciphers, macs: preferences.macs,
                             hostKeys: preferences.hostKeys, publicKeys: preferences.publicKeys)
    }

    var upstreamAlgorithms: SSHAlgorithms {
        let preferences = configuration.algorithms
        let ciphers = preferences.ciphers + Defaults.upstreamCipherFallbacks.filter { !preferences.ciphers.contains($0) }
        return SSHAlgorithms(keyExchange: preferences.upstreamKex, ciphers: ciphers, macs: preferences.macs,
                             hostKeys: preferences.upstreamHostKeys, publicKeys: [])
    }

    var pinnedHostKeysPath: String { configuration.stateDirectory + "/known_hosts" }

    /// The cluster's shared directory for this node when configured, else STATE_DIR/recordings.
    var recordingsDirectory: String {
        configuration.cluster?.nodeRecordingsDirectory
            ?? RecordingLocator.recordingsDirectory(stateDirectory: configuration.stateDirectory)
    }

    /// Below this much free space on the state filesystem, new sessions are refused: a
    /// session that cannot be recorded must not start.
    var recordingFreeSpaceFloor: Int { configuration.recording.minFreeBytes }

    var fileLedgerEnabled: Bool { configuration.recording.fileLedger }

    var recordingLimits: RecordingLimits {
        RecordingLimits(maxSessionBytes: configuration.recording.maxSessionBytes,
                        maxExecCaptureBytes: configuration.recording.maxExecOutputBytes)
    }
}
