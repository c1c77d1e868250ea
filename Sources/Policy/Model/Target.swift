/// A host the gateway may connect to on an engineer's behalf.
package struct Target: Hashable, Sendable {
    package var name: String
    /// Without brackets, also for IPv6 (`::1`), as `getaddrinfo` wants it.
    package var host: String
    package var port: Int
    /// `nil` means the target is not pinned in the configuration; the gateway then relies on its
    /// own pin file (`PinnedHostKeys`) and refuses unpinned targets.
    package var hostKey: HostKeyPin?
    package var defaultLogin: String?
    package var owner: String?
    package var labels: [String: String]
    /// `upstream_auth` of this target; nil follows the top-level default.
    package var upstreamAuthentication: UpstreamAuthentication?
    /// `environment`: send TRACEGATE_USER/ORG/CONNECTION/TICKET on its session channels.
    package var sendsIdentityEnvironment: Bool

    package init(
        name: String,
        host: String,
        port: Int = 22,
        hostKey: HostKeyPin? = nil,
        defaultLogin: String? = nil,
        owner: String? = nil,
        labels: [String: String] = [:],
        upstreamAuthentication: UpstreamAuthentication? = nil,
        sendsIdentityEnvironment: Bool = true
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.hostKey = hostKey
        self.defaultLogin = defaultLogin
        self.owner = owner
        self.labels = labels
        self.upstreamAuthentication = upstreamAuthentication
        self.sendsIdentityEnvironment = sendsIdentityEnvironment
    }

    /// `host:port` as written in the configuration, with brackets around an IPv6 host.
    package var address: String { HostAndPort(host: host, port: port).description }
}
