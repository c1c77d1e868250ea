import Yams

/// The top level of the file: which sections exist and the order they must be read in
/// (names must be known before anything refers to them, wherever they appear in the file).
extension ConfigurationReader {
    static let topLevelKeys = [
        "listen", "state_dir", "log_level", "limits", "recording", "env_allow", "algorithms", "penalties",
        "organizations", "users", "groups", "targets", "grants", "log_format", "metrics", "retention",
        "upstream_auth", "certificates", "mfa", "notify", "break_glass", "oversight", "watch_notice", "web", "auditors",
        "proxy_protocol",
        "cluster",
    ]

    mutating func readDocument(_ root: Node?) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(sourcePath: sourcePath)
        // An empty file is a valid configuration: defaults, and nobody may reach anything.
        guard let root, !root.isNull else { return configuration }
        guard let fields = fields(of: root, "the configuration", allowed: Self.topLevelKeys) else { return configuration }

        if let node = fields["listen"], let listen = readListen(node) { configuration.listen = listen }
        if let node = fields["state_dir"], let directory = readStateDirectory(node) { configuration.stateDirectory = directory }
        if let node = fields["log_level"], let level = readLogLevel(node) { configuration.logLevel = level }
        if let node = fields.optional("limits") { configuration.limits = readLimits(node) }
        if let node = fields.optional("recording") { configuration.recording = readRecording(node) }
        if let node = fields.optional("env_allow"), let list = readEnvironmentAllowList(node) {
            configuration.environmentAllowList = list
        }
        if let node = fields.optional("algorithms") { configuration.algorithms = readAlgorithms(node) }
        if let node = fields.optional("penalties") { configuration.penalties = readPenalties(node) }
        if let node = fields["log_format"], let format = readLogFormat(node) { configuration.logFormat = format }
        if let node = fields.optional("metrics"), let listen = readMetrics(node) { configuration.metricsListen = listen }
        if let node = fields.optional("retention") { configuration.retention = readRetention(node) }
        if let node = fields.optional("upstream_auth"), let mode = readUpstreamAuthentication(node, "upstream_auth") {
            configuration.upstreamAuthentication = mode
        }
        if let node = fields.optional("certificates") { configuration.certificates = readCertificates(node) }
        if let node = fields.optional("notify") { configuration.notify = readNotify(node) }
        if let node = fields.optional("proxy_protocol"), let settings = readProxyProtocol(node) {
            configuration.proxyProtocol = settings
            // A penalty on a proxy's address would lock out every engineer behind it (its
            // health checks and relayed handshakes would charge it): proxies are exempt.
            configuration.penalties.exempt += settings.trustedProxies.filter { !configuration.penalties.exempt.contains($0) }
        }

        configuration.organizations = fields.optional("organizations").map { readOrganizations($0) } ?? []
        let organizations = Set(configuration.organizations)
        let users = fields.optional("users").map { readUsers($0, organizations: organizations) } ?? ReadUsers()
        let declaredGroups = fields.optional("groups").map { readGroups($0, users: users.names) } ?? []
        configuration.users = users.users
        configuration.groups = Self.mergeGroups(users: &configuration.users, declared: declaredGroups)
        let targets = fields.optional("targets").map { readTargets($0, organizations: organizations) } ?? (targets: [], names: [])
        configuration.targets = targets.targets
        let known = KnownNames(
            users: users.names, groups: users.groupNames.union(declaredGroups.map(\.name)),
            organizations: organizations, targets: targets.names)
        configuration.grants = fields.optional("grants").map { readGrants($0, known: known) } ?? []
        if let node = fields.optional("mfa") { configuration.secondFactor.reuse = readSecondFactorSettings(node) }
        configuration.secondFactor.required = secondFactorRequired
        configuration.breakGlass = fields.optional("break_glass").map { readBreakGlass($0, known: known) } ?? []
        configuration.oversight = fields.optional("oversight").map { readOversight($0, known: known) } ?? []
        if let node = fields.optional("watch_notice"), let notice = readWatchNotice(node) { configuration.watchNotice = notice }
        if let node = fields.optional("web") { configuration.web = readWeb(node) }
        configuration.auditors = fields.optional("auditors").map { readAuditors($0, known: known) } ?? []
        if let node = fields.optional("cluster") { configuration.cluster = readCluster(node) }
        return configuration
    }
}
