/// The whole configuration file, validated. Values only: `AccessPolicy` indexes it for lookups.
package struct GatewayConfiguration: Hashable, Sendable {
    package var sourcePath: String
    package var listen: ListenAddress
    /// As written; a relative path resolves against the process's current directory.
    package var stateDirectory: String
    package var logLevel: String
    package var limits: ConnectionLimits
    package var recording: RecordingBounds
    /// Environment variable names a client may set; a trailing `*` matches a prefix.
    package var environmentAllowList: [String]
    package var algorithms: AlgorithmPreferences
    package var penalties: PenaltySettings = Defaults.penalties
    package var organizations: [String]
    package var users: [User]
    /// Every group, whether declared under `groups:` or only named by users.
    package var groups: [UserGroup]
    package var targets: [Target]
    package var grants: [Grant]
    /// `oversight:`: who may list, watch, terminate and lock whose sessions. Empty: nobody.
    package var oversight: [OversightRule] = []
    /// `watch_notice`: the engineer reads a line when someone starts or stops watching; the
    /// trail records it either way.
    package var watchNotice = true
    package var logFormat: LogFormat = Defaults.logFormat
    /// Where `/metrics`, `/healthz` and `/readyz` are served; nil: not at all.
    package var metricsListen: ListenAddress? = Defaults.metricsListen
    /// Audit events and recordings older than this are pruned daily by `serve`; nil: never.
    package var retention: Duration? = Defaults.retention
    /// `upstream_auth`: how the gateway logs in to targets that do not say.
    package var upstreamAuthentication: UpstreamAuthentication = .key
    /// `certificates`: validity and source address of upstream certificates.
    package var certificates = CertificateSettings()
    /// `mfa: required` on users, groups and organisations, and the top-level `mfa: {reuse: …}`.
    package var secondFactor = SecondFactorSettings()
    /// The operator's command told of approval requests and decisions; nil: none.
    package var notify: NotifySettings?
    /// `break_glass:` entries, in file order.
    package var breakGlass: [BreakGlassRule] = []
    /// The auditors' web page; nil: off.
    package var web: WebSettings?
    /// Who may read which part of the trail on the web page; empty: nobody.
    package var auditors: [AuditorRule] = []
    /// `proxy_protocol:`: the load balancers whose PROXY v2 headers name the client; nil: none.
    package var proxyProtocol: ProxyProtocolSettings?
    /// `cluster:`: this node ships its trail to PostgreSQL; nil: one node, SQLite only.
    package var cluster: ClusterSettings?

    package init(
        sourcePath: String,
        listen: ListenAddress = Defaults.listen,
        stateDirectory: String = Defaults.stateDirectory,
        logLevel: String = Defaults.logLevel,
        limits: ConnectionLimits = Defaults.limits,
        recording: RecordingBounds = Defaults.recording,
        environmentAllowList: [String] = Defaults.environmentAllowList,
        algorithms: AlgorithmPreferences = AlgorithmPreferences(),
        organizations: [String] = [],
        users: [User] = [],
        groups: [UserGroup] = [],
        targets: [Target] = [],
        grants: [Grant] = []
    ) {
        self.sourcePath = sourcePath
        self.listen = listen
        self.stateDirectory = stateDirectory
        self.logLevel = logLevel
        self.limits = limits
        self.recording = recording
        self.environmentAllowList = environmentAllowList
        self.algorithms = algorithms
        self.organizations = organizations
        self.users = users
        self.groups = groups
        self.targets = targets
        self.grants = grants
    }

    /// How the gateway logs in to `target`.
    package func upstreamAuthentication(for target: Target) -> UpstreamAuthentication {
        target.upstreamAuthentication ?? upstreamAuthentication
    }

    /// Whether any target logs in with a certificate.
    package var usesCertificates: Bool {
        targets.contains { upstreamAuthentication(for: $0) == .certificate }
    }

    package func allowsEnvironmentVariable(_ name: String) -> Bool {
        environmentAllowList.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }
}
