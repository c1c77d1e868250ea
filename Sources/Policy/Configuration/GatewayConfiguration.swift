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
    package var logFormat: LogFormat = Defaults.logFormat
    /// Where `/metrics`, `/healthz` and `/readyz` are served; nil: not at all.
    package var metricsListen: ListenAddress? = Defaults.metricsListen
    /// Audit events and recordings older than this are pruned daily by `serve`; nil: never.
    package var retention: Duration? = Defaults.retention
    /// The auditors' web page; nil: off.
    package var web: WebSettings?
    /// Who may read which part of the trail on the web page; empty: nobody.
    package var auditors: [AuditorRule] = []

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

    package func allowsEnvironmentVariable(_ name: String) -> Bool {
        environmentAllowList.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }
}
