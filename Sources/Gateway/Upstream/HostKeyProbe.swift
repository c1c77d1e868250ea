import Policy
import SSH

/// Fetches the host key a target presents, for an operator to check and pin
/// (`tracegate target trust`). It does not log in.
package enum HostKeyProbe {
    package static func fetch(_ target: Target, configuration: GatewayConfiguration) throws(SSHError) -> PublicKey {
        let settings = GatewaySettings(configuration: configuration)
        let session = try UpstreamSession(host: target.host, port: target.port, login: "tracegate",
                                          timeout: settings.limits.upstreamTimeout,
                                          algorithms: settings.upstreamAlgorithms)
        defer { session.tearDown() }
        try session.connect()
        return try session.serverHostKey()
    }

    package static func pinnedHostKeysPath(for configuration: GatewayConfiguration) -> String {
        GatewaySettings(configuration: configuration).pinnedHostKeysPath
    }
}
