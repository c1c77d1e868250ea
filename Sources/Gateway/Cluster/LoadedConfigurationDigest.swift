import Synchronization

/// SHA-256 of the configuration file as last loaded (at start, then at each accepted reload):
/// what the node reports in `cluster status`, so that nodes running different policies show.
/// Not re-read from disk at each heartbeat: an edited file nobody reloaded is not in force.
final class LoadedConfigurationDigest: Sendable {
    private let value: Mutex<String?>

    init(path: String) {
        value = Mutex(ConfigurationDigest.sha256(ofFileAt: path))
    }

    var current: String? { value.withLock { $0 } }

    func loaded(path: String) {
        let digest = ConfigurationDigest.sha256(ofFileAt: path)
        value.withLock { $0 = digest }
    }
}
