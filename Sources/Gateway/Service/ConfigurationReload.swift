import Audit
import Logging
import Policy

/// Re-reads the configuration on SIGHUP. An invalid file is rejected with its errors
/// and the running policy stays; a valid one applies to connections accepted from now on.
struct ConfigurationReload {
    let path: String
    let runtime: GatewayRuntime
    let logger: Logger
    let audit: AuditWriter
    /// What the node reports as its configuration in `cluster status`.
    let digest: LoadedConfigurationDigest

    func perform() {
        do {
            let configuration = try ConfigurationLoader.load(path: path)
            runtime.replaceSettings(GatewaySettings(configuration: configuration))
            // Before the notice below, so that lowering the level to notice still shows it.
            LogLevelSwitch.shared.set(named: configuration.logLevel)
            digest.loaded(path: path)
            audit.record(.configReload(path: path, sha256: ConfigurationDigest.sha256(ofFileAt: path)))
            logger.notice("configuration reloaded", metadata: ["tg.config": "\(path)"])
        } catch {
            audit.record(.configReject(path: path, sha256: ConfigurationDigest.sha256(ofFileAt: path),
                                       reason: error.description))
            for problem in error.errors {
                logger.error("configuration rejected", metadata: ["tg.config": "\(path)", "tg.error": "\(problem)"])
            }
        }
    }
}
