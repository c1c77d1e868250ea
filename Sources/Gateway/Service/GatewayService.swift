import Audit
import ClusterStore
import Dispatch
import Foundation
import Logging
import Policy
import SSH
import Web

/// The running gateway: one acceptor (this thread) and one thread per connection.
package final class GatewayService {
    private let configurationPath: String
    private let stateDirectory: String
    private let runtime: GatewayRuntime
    private let listener: ServerListener
    private let logger: Logger
    private let auditStore: AuditStore
    private let audit: AuditWriter
    private var signalSources: [any DispatchSourceSignal] = []
    private let intake: ConnectionIntake
    private let metrics = GatewayMetrics()
    private let accepting = AcceptingFlag()
    private var operations: OperationsEndpoint?
    private var control: ControlSocketServer?
    private var web: WebServer?
    private let configurationDigest: LoadedConfigurationDigest
    /// Copies the trail to PostgreSQL when `cluster:` is configured; nil: one node.
    private let shipper: EventShipper?
    /// Locks from and to the other nodes when `cluster:` is configured; nil: one node.
    private let sharedState: ClusterStateFeed?

    /// Connection threads need little stack: libssh does not recurse deeply, and a small
    /// stack keeps a thousand idle sessions cheap.
    private static let connectionStackSize = 512 * 1024

    package init(configuration: GatewayConfiguration, logger: Logger) throws {
        self.configurationPath = configuration.sourcePath
        self.stateDirectory = configuration.stateDirectory
        self.logger = logger
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let keys = try GatewayKeys.loadOrCreate(stateDirectory: configuration.stateDirectory)
        let settings = GatewaySettings(configuration: configuration)
        // The trail first: a gateway that cannot record must not accept anyone.
        auditStore = try AuditStore.open(path: AuditStore.databasePath(stateDirectory: configuration.stateDirectory))
        let recovered = try auditStore.recoverInterrupted()
        // Before the writer starts, like the recovery above: both append to the chain.
        let withdrawnApprovals = try auditStore.withdrawInterruptedApprovals()
        audit = auditStore.makeWriter()
        let sealer = try SecretSealer.loadOrCreate(stateDirectory: configuration.stateDirectory)
        sharedState = try configuration.cluster.map { cluster in
            try ClusterStateFeed(node: cluster.node, endpoint: try cluster.endpoint(), logger: logger)
        }
        // Clustered, every node reads and writes the same second-factor rows in PostgreSQL;
        // the connections see only `SecondFactorStore` either way.
        let secondFactors: any SecondFactorStore = sharedState.map { ClusteredSecondFactorStore(feed: $0, sealer: sealer) }
            ?? SQLiteSecondFactorStore(store: auditStore, sealer: sealer)
        runtime = GatewayRuntime(settings: settings, upstreamKey: keys.upstreamKey,
                                 journal: ConnectionJournal(logger: logger, audit: audit, metrics: metrics),
                                 auditStore: auditStore, secondFactors: secondFactors, sharedState: sharedState)
        try Self.restoreApprovals(from: auditStore, into: runtime.approvals, withdrawn: withdrawnApprovals, logger: logger)
        try runtime.loadLocks()
        let digest = LoadedConfigurationDigest(path: configuration.sourcePath)
        configurationDigest = digest
        // Made here (the password file must be readable, `/metrics` shows its lag); started in run().
        if let cluster = configuration.cluster {
            shipper = try ClusterShipping.make(settings: cluster, store: auditStore, metrics: metrics,
                                               digest: digest, logger: logger)
        } else {
            shipper = nil
        }
        // A CA that cannot be read stops the start, when some target logs in with certificates.
        if configuration.usesCertificates {
            let authority = try runtime.certificates.authority()
            logger.info("user CA loaded", metadata: [
                "tg.ca": "\(authority.current.fingerprint)",
                "tg.ca_next": "\(authority.next?.fingerprint ?? "none")",
            ])
        }
        // The metrics port before the SSH port: when it is taken the start fails before the SSH
        // port was ever open, so nobody sees a gateway listen for a moment and vanish.
        var operations: OperationsEndpoint?
        if let listen = configuration.metricsListen {
            operations = try Self.makeOperations(
                listen: listen, runtime: runtime, auditStore: auditStore, audit: audit, metrics: metrics,
                accepting: accepting, stateDirectory: configuration.stateDirectory, shipper: shipper)
        }
        // The web page too binds before the SSH port, for the same reason.
        if let webSettings = configuration.web {
            let environment = WebEnvironment(
                store: auditStore, audit: audit, book: runtime.webSignIn,
                configuration: { [runtime] in runtime.settings.configuration },
                stateDirectory: configuration.stateDirectory, logger: logger,
                liveSessions: { [runtime] in runtime.live.webRows })
            let server = WebServer(settings: webSettings, environment: environment)
            let address = try server.start()
            web = server
            logger.info("web page listening", metadata: ["tg.listen": "\(address)", "tg.url": "\(webSettings.baseURL)"])
        }
        listener = try ServerListener(host: configuration.listen.host, port: configuration.listen.port,
                                      hostKeyPath: keys.hostKey.path, algorithms: settings.serverAlgorithms)
        intake = ConnectionIntake(listener: listener, runtime: runtime, metrics: metrics, logger: logger)
        if let operations {
            operations.start()
            self.operations = operations
            logger.info("metrics listening", metadata: ["tg.listen": "\(operations.address)"])
        }
        Self.logKeyExchange(logger)
        // The operator's door (tracegate live|watch|lock …), owner-only, in the state directory.
        do {
            control = try ControlSocketServer(stateDirectory: configuration.stateDirectory, runtime: runtime, logger: logger)
        } catch {
            logger.warning("control socket unavailable", metadata: ["tg.error": "\(error)"])
        }
        let listenAddress = "\(configuration.listen.host):\(listener.boundPort)"
        let headHash = try auditStore.headHash()
        try audit.recordDurably(.gatewayStart(listen: listenAddress, version: GatewayVersion.current, headHash: headHash))
        audit.record(.configLoad(path: configuration.sourcePath,
                                 sha256: ConfigurationDigest.sha256(ofFileAt: configuration.sourcePath)))
        logger.info("gateway listening", metadata: [
            "tg.listen": "\(listenAddress)",
            "tg.host_key": "\(keys.hostKey.publicKey.fingerprint)",
            "tg.upstream_key": "\(keys.upstreamKey.publicKey.fingerprint)",
            "tg.audit_head": "\(headHash ?? "empty")",
            "tg.recovered_sessions": "\(recovered.sessions)",
            "tg.recovered_connections": "\(recovered.connections)",
        ])
    }

    package var port: Int { listener.boundPort }

    /// Says at start whether the key exchange resists a quantum computer: a gateway built on
    /// Debian 12's libssh 0.10 cannot offer one, and its operator should know.
    private static func logKeyExchange(_ logger: Logger) {
        if LibSSHCapabilities.hasPostQuantumKeyExchange {
            logger.info("post-quantum key exchange available", metadata: [
                "tg.libssh": "\(LibSSHCapabilities.version)",
                "tg.kex": "\(LibSSHCapabilities.postQuantumKeyExchanges.joined(separator: ","))",
            ])
        } else {
            logger.warning("post-quantum key exchange unavailable", metadata: [
                "tg.libssh": "\(LibSSHCapabilities.version)",
                "tg.hint": "libssh 0.12 has it: build with scripts/build-libssh.sh",
            ])
        }
    }

    /// Accepts connections until SIGTERM or SIGINT, then drains and returns.
    package func run() {
        installSignalHandlers()
        PidFile.write(stateDirectory: stateDirectory)
        defer { PidFile.remove(stateDirectory: stateDirectory) }
        accepting.set(true)
        control?.start()
        shipper?.start()
        // Before the first accept, so that the cluster's locks are read within milliseconds of it.
        sharedState?.start(ClusterStateFeed.Handlers(
            locks: { [runtime] locks in runtime.applyClusterLocks(locks) },
            waitingApprovals: { [runtime] in runtime.approvals.undecidedIDs() },
            approvalDecisions: { [runtime] decisions in runtime.applyClusterApprovalDecisions(decisions) },
            approvals: { [runtime] pending, inForce in runtime.applyClusterApprovals(pending: pending, inForce: inForce) },
            penalties: { [runtime] penalties in runtime.applyClusterPenalties(penalties) }))
        let retention = RetentionSchedule(runtime: runtime, audit: audit, logger: logger)
        retention.start()
        while !runtime.shutdown.isRequested {
            for admitted in intake.waitForConnections(timeoutMilliseconds: 250) {
                start(admitted)
            }
        }
        // New clients are refused from here on; running sessions were told and drain.
        accepting.set(false)
        control?.stop()
        listener.stopListening()
        intake.closeWaiting()
        GracefulDrain(runtime: runtime, logger: logger).wait()
        retention.waitUntilStopped()
        // Before the writer closes: a page read is recorded first, and would fail after.
        web?.stop()
        // The head before the stop event: what the other organisation compares its copy with.
        audit.record(.gatewayStop(reason: "shutdown", headHash: (try? auditStore.headHash()) ?? nil))
        let unwritten = audit.close()
        // Logged so that the other organisation can keep a copy of where the chain stood.
        let headHash = (try? auditStore.headHash()) ?? nil
        logger.info("gateway stopped", metadata: ["tg.audit_head": "\(headHash ?? "empty")",
                                                  "tg.audit_unwritten": "\(unwritten)"])
        // After the writer closed: the stop event is committed and ships in the last pass.
        shipper?.stop()
        sharedState?.stop()
        operations?.stop()
    }

    package func stop() {
        runtime.shutdown.request(drainTimeout: runtime.settings.limits.drainTimeout)
    }

    /// Starts the thread of a connection the intake admitted (see `ConnectionIntake`).
    private func start(_ admitted: ConnectionIntake.Admitted) {
        let settings = runtime.settings
        let socket = admitted.socket
        let connection: ClientConnection
        do {
            let session = try listener.makeSession(for: socket)
            connection = try ClientConnection(server: session, settings: settings, runtime: runtime, via: admitted.via)
        } catch {
            runtime.admission.closed(source: socket.address, wasAuthenticated: false)
            logger.error("cannot start a connection", metadata: ["tg.error": "\(error)"])
            return
        }
        let handOver = HandOver(connection)
        let thread = Thread {
            // Named from inside: Foundation on Linux passes only the current thread's name
            // to the kernel, which `top -H`, `ps -L` and profiles read.
            Thread.current.name = "tg-connection"
            handOver.connection.run()
        }
        thread.stackSize = Self.connectionStackSize
        thread.start()
    }

    /// The metrics and health listener; its port taken is a start error, like the SSH port's.
    private static func makeOperations(
        listen: ListenAddress, runtime: GatewayRuntime, auditStore: AuditStore, audit: AuditWriter,
        metrics: GatewayMetrics, accepting: AcceptingFlag, stateDirectory: String, shipper: EventShipper?
    ) throws -> OperationsEndpoint {
        let readiness = ReadinessProbe(
            isAccepting: { [accepting] in accepting.isSet && !runtime.shutdown.isRequested },
            auditStore: auditStore, audit: audit, stateDirectory: stateDirectory,
            freeSpaceFloor: { runtime.settings.recordingFreeSpaceFloor })
        var scrape = ScrapeRenderer(metrics: metrics, audit: audit, admission: runtime.admission, stateDirectory: stateDirectory)
        // On a cluster, every node's open items as the feed last counted them (never a wait on
        // PostgreSQL here: this thread also answers the load balancer's checks).
        scrape.unreviewedBreakGlass = { [auditStore] in
            runtime.reviewExchange?.openCountAsLastSeen ?? (try? auditStore.openReviews().count)
        }
        if let shipper { scrape.clusterShipping = { shipper.status } }
        metrics.bootstrapSwiftMetrics()
        return try OperationsEndpoint(listen: listen, scrape: scrape, readiness: readiness)
    }

    private func installSignalHandlers() {
        let queue = DispatchQueue(label: "tracegate.signals")
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [runtime, logger, configurationPath, audit, configurationDigest] in
                if number == SIGHUP {
                    ConfigurationReload(path: configurationPath, runtime: runtime, logger: logger, audit: audit,
                                        digest: configurationDigest).perform()
                } else {
                    runtime.shutdown.request(drainTimeout: runtime.settings.limits.drainTimeout)
                }
            }
            source.resume()
            signalSources.append(source)
        }
    }
}

/// Moves a connection to its thread exactly once; nothing else touches it afterwards.
private final class HandOver: @unchecked Sendable {
    let connection: ClientConnection
    init(_ connection: ClientConnection) { self.connection = connection }
}
