import FileLedger
import Foundation
import Policy
import Recording
import SSH

/// Session channels: collecting pty and env, then starting the command on the target.
extension ClientConnection {
    /// Bounds on what one channel may ask for before its command starts.
    private static let maximumEnvironmentVariables = 64
    private static let maximumEnvironmentValueBytes = 8 * 1024

    func handle(_ request: ChannelRequest, on bridge: ChannelBridge) -> ServerReply {
        switch request {
        case .pty(let terminal):
            guard case .awaitingCommand = bridge.state, bridge.terminal == nil else { return .deny }
            guard Self.isPlausible(terminal.size) else {
                return refuseRequest("pty-req", reason: "terminal size out of range (at most 65535)", on: bridge)
            }
            guard Self.isPlausibleTerminalType(terminal.term) else {
                return refuseRequest("pty-req", reason: "invalid terminal type", on: bridge)
            }
            bridge.terminal = terminal
            return .accept
        case .environment(let name, let value) where name == Self.ticketVariable:
            // The ticket is for the gateway, never forwarded to the target.
            guard case .awaitingCommand = bridge.state else { return .deny }
            guard value.utf8.count <= 128 else { return refuseRequest("env", reason: "ticket longer than 128 bytes", on: bridge) }
            bridge.ticket = value
            return .accept
        case .environment(let name, let value) where name == Self.breakGlassVariable:
            // The reason is for the gateway and the reviewers, never forwarded to the target.
            guard case .awaitingCommand = bridge.state else { return .deny }
            guard value.utf8.count <= 500, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                return refuseRequest("env", reason: "break-glass reason longer than 500 bytes or with control characters", on: bridge)
            }
            bridge.breakGlassReason = value
            return .accept
        case .environment(let name, let value):
            guard case .awaitingCommand = bridge.state else { return .deny }
            guard settings.configuration.allowsEnvironmentVariable(name) else {
                return refuseRequest("env", reason: "variable not in env_allow", on: bridge)
            }
            guard value.utf8.count <= Self.maximumEnvironmentValueBytes else {
                return refuseRequest("env", reason: "value longer than \(Self.maximumEnvironmentValueBytes) bytes", on: bridge)
            }
            guard bridge.environment.count < Self.maximumEnvironmentVariables || bridge.environment[name] != nil else {
                return refuseRequest("env", reason: "more than \(Self.maximumEnvironmentVariables) variables", on: bridge)
            }
            bridge.environment[name] = value
            return .accept
        case .shell:
            return start(.shell, on: bridge)
        case .exec(let command):
            return start(.exec(command), on: bridge)
        case .subsystem(let name):
            guard Self.isValidSubsystemName(name) else {
                _ = refuseRequest("subsystem", reason: "invalid subsystem name", on: bridge)
                // Accepted, so that the engineer reads why on stderr instead of a bare failure.
                bridge.refuse(.invalidRequest("invalid subsystem name (letters, digits and @._- only)"))
                return .accept
            }
            return start(.subsystem(name), on: bridge)
        case .windowChange(let size):
            guard Self.isPlausible(size) else {
                return refuseRequest("window-change", reason: "terminal size out of range (at most 65535)", on: bridge)
            }
            if let upstreamChannel = bridge.upstream {
                upstreamChannel.changeTerminalSize(size)
                bridge.recordResize(size)
            } else {
                bridge.terminal?.size = size
            }
            return .accept
        case .signal(let name):
            bridge.upstream?.sendSignal(name)
            return .accept
        case .agentForwarding:
            bridge.pendingRefusal = .agentForwarding
            journal.requestRefused(context, refusal: .agentForwarding)
            return .deny
        case .x11Forwarding:
            bridge.pendingRefusal = .x11Forwarding
            journal.requestRefused(context, refusal: .x11Forwarding)
            return .deny
        }
    }

    /// Starts `command` on the target, or refuses the session with a message. A refusal
    /// still accepts the request: the engineer then reads why on stderr instead of
    /// OpenSSH's generic "request failed".
    func start(_ command: SessionCommand, on bridge: ChannelBridge) -> ServerReply {
        guard case .awaitingCommand = bridge.state, case .authorized(let access) = phase else { return .deny }
        // A stopping gateway lets running sessions finish but starts none.
        if let refusal = bridge.pendingRefusal ?? connectionRefusal ?? (runtime.shutdown.isRequested ? .shuttingDown : nil) {
            bridge.refuse(refusal)
            return .accept
        }
        if let reason = bridge.breakGlassReason, !access.isGatewayShell {
            bridge.breakGlassReason = nil
            guard breakGlass(for: bridge, reason: reason) else { return .accept }
            return start(command, on: bridge)
        }
        switch access {
        case .refused(let refusal):
            if offerBreakGlass(for: command, on: bridge, after: refusal) { return .accept }
            bridge.refuse(refusal)
            return .accept
        case .gatewayShell:
            let store = runtime.auditStore
            let user = context.user?.name ?? ""
            let desk = context.user.map { user in
                OversightDesk(runtime: runtime, caller: OversightCaller(
                    identity: .user(user), audit: context.auditContext, control: oversightControl()))
            }
            bridge.startGatewayShell(GatewayShell(
                context: context, settings: settings, command: command, interactive: bridge.terminal != nil,
                recentSessions: { RecentSessions.lines(for: user, in: store) },
                secondFactor: SecondFactorShell(context: context, settings: settings, store: runtime.secondFactors,
                                                journal: journal),
                consent: ConsentShell(context: context, runtime: runtime),
                oversight: desk,
                web: WebSignInCommand(context: context, settings: settings, book: runtime.webSignIn,
                                      audit: runtime.journal.audit)))
            return .accept
        case .ticketExpected(let access):
            if bridge.ticket == nil && bridge.terminal != nil {
                // SSH has no later place for a question: ask on the engineer's terminal.
                bridge.askForTicket(for: command, prompt: "tracegate: a ticket is required for \(access.request.target). Ticket: ")
                return .accept
            }
            phase = .authorized(decide(access, withTicket: bridge.ticket))
            return start(command, on: bridge)
        case .allowed(_, let target, let login, let grant):
            let setupStarted = ContinuousClock.now
            // Moderated: a shell on a terminal waits for its watcher; anything else needs one present.
            let moderated = grant.requireWatcher.map { watchers in (watchers, command == .shell && bridge.terminal != nil) }
            if let (watchers, canWait) = moderated, !canWait, !watcherPresent(for: watchers, target: target.name) {
                let who = Moderation(watchers: watchers, maxWait: grant.maxWait).who
                journal.requestRefused(context, refusal: .watcherRequired(who: who))
                bridge.refuse(.watcherRequired(who: who))
                return .accept
            }
            if context.ticket == nil, let ticket = bridge.ticket { context.ticket = ticket }
            if let refusal = fileRuleRefusal(of: command, under: grant, on: bridge) {
                bridge.refuse(refusal)
                return .accept
            }
            // Nothing reaches the target (not even a connection) before the approval.
            if let rule = grant.approval, bridge.approval == nil,
               holdForApproval(command, on: bridge, rule: rule, grant: grant, target: target, login: login)
            {
                return .accept
            }
            guard let upstream = connectUpstream(to: target, as: login, grant: grant, terminal: bridge.terminal != nil) else {
                bridge.refuse(upstreamFailure ?? .targetUnreachable(target: target.name, reason: "unknown error"))
                return .accept
            }
            if bridge.terminal != nil && !upstreamAllowsTerminal {
                journal.requestRefused(context, refusal: .certificateWithoutTerminal)
                bridge.refuse(.certificateWithoutTerminal)
                return .accept
            }
            let recorder: SessionRecorder?
            do {
                recorder = try startRecording(command, on: bridge, target: target, login: login)
            } catch {
                journal.requestRefused(context, refusal: error)
                bridge.refuse(error)
                return .accept
            }
            var description = SessionDescription(id: bridge.sessionID, channelNumber: bridge.client.number,
                                                 command: command, terminal: bridge.terminal,
                                                 environment: bridge.environment, recordingPath: recorder?.path)
            description.approvalID = bridge.approval?.approvalID
            description.approvedBy = bridge.approval?.approver
            description.breakGlassReview = breakGlassReview
            do {
                try journal.sessionStarted(context, session: description)
            } catch {
                bridge.refuse(.auditUnavailable)
                return .accept
            }
            do {
                let upstreamChannel = try openUpstreamChannel(on: upstream, for: bridge, running: command)
                bridge.startRelaying(to: upstreamChannel, as: description)
                startCounting(bridge)
                registerLive(bridge, command: command, recordingPath: recorder?.path)
                if let (watchers, canWait) = moderated, canWait {
                    beginModeration(bridge, watchers: watchers, maxWait: grant.maxWait)
                }
                journal.metrics.sessionSetup(took: ContinuousClock.now - setupStarted)
                if let recorder { bridge.record(with: recorder) }
                followFiles(command, on: bridge)
                if case .subsystem("sftp") = command, grant.files.isRestricted {
                    let journal = journal
                    let context = context
                    let sessionID = bridge.sessionID
                    bridge.enforce(FileRuleGuard(rules: grant.files, grantName: grant.name) { entry in
                        journal.fileRefused(context, sessionID: sessionID, entry: entry)
                    })
                }
                bridge.deadline = grant.deadline(startedAt: Date())
                return .accept
            } catch {
                journal.protocolError(context, "target refused \(command.kind): \(error.description)")
                return .deny
            }
        }
    }

    /// sftp and legacy scp sessions feed the file ledger (a copy of their bytes, parsed off the
    /// relay's thread); shells, rsync and other commands do not.
    private func followFiles(_ command: SessionCommand, on bridge: ChannelBridge) {
        guard settings.fileLedgerEnabled else { return }
        let parser: (any FileLedgerParser)?
        switch command {
        case .subsystem(let name): parser = fileLedgerParser(subsystem: name, command: nil)
        case .exec(let text): parser = bridge.terminal == nil ? fileLedgerParser(subsystem: nil, command: text) : nil
        case .shell: parser = nil
        }
        guard let parser else { return }
        bridge.followFiles(with: FileLedgerTap(parser: parser,
                                               handlers: journal.fileLedgerHandlers(context, sessionID: bridge.sessionID)))
    }

    /// Legacy scp and rsync in a direction the grant's file rules deny (or naming a path outside
    /// them) are refused at exec, with one line and a ledger entry. Other commands are not
    /// file transfers the gateway can judge; sftp is judged request by request.
    private func fileRuleRefusal(of command: SessionCommand, under grant: Grant, on bridge: ChannelBridge) -> Refusal? {
        guard grant.files.isRestricted, case .exec(let text) = command else { return nil }
        let transfer: (operation: FileLedgerEntry.Operation, paths: [String], protocolName: FileLedgerEntry.ProtocolName)
        if let scp = ScpCommand(text) {
            transfer = (scp.direction, [scp.path], .scp)
        } else if let rsync = RsyncCommand(text) {
            transfer = (rsync.direction, rsync.paths, .rsync)
        } else {
            return nil
        }
        let writing = transfer.operation == .upload
        guard let (path, reason) = transfer.paths.lazy
            .compactMap({ path in grant.files.refusal(writing: writing, path: path).map { (path, $0) } }).first
        else { return nil }
        let message = FileRuleGuard.message(transfer.operation, grant.name, reason)
        let now = FileLedgerTap.now()
        journal.fileRefused(context, sessionID: bridge.sessionID, entry: FileLedgerEntry(
            protocolName: transfer.protocolName, operation: transfer.operation, path: path, status: "denied",
            note: message, startedAt: now, endedAt: now))
        return .fileRule(message)
    }

    /// A terminal is recorded as asciicast; a command without one has its output captured;
    /// sftp and scp payloads are not recorded as content. Fails closed: no recording, no
    /// session, and none either when the recordings' disk is below its floor.
    private func startRecording(_ command: SessionCommand, on bridge: ChannelBridge, target: Target,
                                login: String) throws(Refusal) -> SessionRecorder? {
        if case .subsystem = command { return nil }
        let directory = settings.recordingsDirectory
        // The recordings' own filesystem (it may be a mount of its own), the state dir before it exists.
        if let free = RecordingFile.freeBytes(atPath: directory) ?? RecordingFile.freeBytes(atPath: settings.configuration.stateDirectory),
           free < settings.recordingFreeSpaceFloor {
            throw .recordingsFull
        }
        let title = "\(context.user?.name ?? "?")@\(target.name) as \(login)"
        // Lines reach the search index while the session runs, not when it ends, so that an
        // auditor can find a session that is still going on.
        let indexer = journal.textIndexer(sessionID: bridge.sessionID, connectionID: context.id)
        let onTextLines: TextLinesHandler = { lines in indexer.indexOutput(lines) }
        let path = directory + "/" + RecordingLocator.fileName(connectionID: context.id, sessionID: bridge.sessionID)
        let onStop = journal.recordingStopHandler(context, sessionID: bridge.sessionID, path: path)
        do {
            let recorder: SessionRecorder
            if let terminal = bridge.terminal {
                recorder = try SessionRecorder.startTerminal(
                    directory: directory, connectionID: context.id, sessionID: bridge.sessionID,
                    width: terminal.size.columns, height: terminal.size.rows, term: terminal.term, title: title,
                    limits: settings.recordingLimits, onTextLines: onTextLines, onStop: onStop)
            } else {
                recorder = try SessionRecorder.startExecCapture(
                    directory: directory, connectionID: context.id, sessionID: bridge.sessionID,
                    command: command.text ?? "shell", title: title, limits: settings.recordingLimits,
                    onTextLines: onTextLines, onStop: onStop)
            }
            if case .exec(let text) = command { indexer.indexCommand(text) }
            return recorder
        } catch {
            journal.protocolError(context, "cannot start the recording: \(error)")
            throw .recordingUnavailable
        }
    }

    /// The target connection, opened on first use and shared by every channel of this
    /// connection (OpenSSH multiplexing puts many sessions on one connection).
    ///
    /// With `upstream_auth: certificate` the certificate is signed here, once per upstream
    /// connection, for what the first use needs: `permit-pty` only when the first session asks
    /// for a terminal, `permit-port-forwarding` only when the grant lists forwards. A later
    /// terminal on the same connection is refused with a line saying so (see README).
    func connectUpstream(to target: Target, as login: String, grant: Grant, terminal: Bool) -> UpstreamSession? {
        if let upstream { return upstream }
        if upstreamFailure != nil { return nil }
        let connector = UpstreamConnector(upstreamKey: runtime.upstreamKey, settings: settings,
                                          certificates: runtime.certificates)
        let method: UpstreamConnector.Login
        switch settings.configuration.upstreamAuthentication(for: target) {
        case .key:
            method = .key
        case .certificate:
            method = .certificate(UpstreamCertificateIssuer.Request(
                target: target.name, user: context.user?.name ?? "?", organization: context.user?.organization ?? "?",
                connectionID: context.id, ticket: context.ticket, login: login, terminal: terminal,
                portForwarding: !grant.forwarding.isEmpty, settings: settings.configuration.certificates))
        }
        let outcome = connector.connect(to: target, as: login, using: method)
        switch outcome {
        case .success(let connected):
            journal.upstreamConnected(context, address: target.address, hostKeyFingerprint: connected.hostKeyFingerprint,
                                     targetLeg: connected.leg, certificate: connected.certificate)
            upstream = connected.session
            upstreamAllowsTerminal = connected.allowsTerminal
            return connected.session
        case .failure(let failure):
            journal.upstreamFailed(context, address: target.address, refusal: failure.refusal,
                                   hostKeyFingerprint: failure.hostKeyFingerprint, certificate: failure.certificate,
                                   detail: failure.detail)
            upstreamFailure = failure.refusal
            return nil
        }
    }

    static let identityVariablePrefix = "TRACEGATE_"

    /// Who is behind this session, for tools on the target (`environment: true` on the target).
    var identityEnvironment: [(String, String)] {
        var variables = [
            ("TRACEGATE_USER", context.user?.name ?? ""),
            ("TRACEGATE_ORG", context.user?.organization ?? ""),
            ("TRACEGATE_CONNECTION", context.id),
        ]
        if let ticket = context.ticket { variables.append(("TRACEGATE_TICKET", ticket)) }
        return variables
    }

    /// Mirrors the channel on the target: pty, environment, then the command. libssh's
    /// channel requests are simplest in blocking mode; the relay switches back after.
    private func openUpstreamChannel(on upstream: UpstreamSession, for bridge: ChannelBridge,
                                     running command: SessionCommand) throws(SSHError) -> Channel {
        upstream.setBlocking(true)
        defer {
            upstream.setBlocking(false)
            poller.add(upstream)
        }
        let channel = try upstream.openSessionChannel()
        do {
            if let terminal = bridge.terminal { try channel.requestPseudoTerminal(terminal) }
            // TRACEGATE_* on the target is the gateway's word, never the engineer's.
            for (name, value) in bridge.environment.sorted(by: { $0.key < $1.key })
            where !name.hasPrefix(Self.identityVariablePrefix) {
                _ = channel.requestEnvironment(name: name, value: value)
            }
            if let target = context.target, target.sendsIdentityEnvironment {
                // A target without `AcceptEnv TRACEGATE_*` refuses these; the session goes on.
                for (name, value) in identityEnvironment {
                    _ = channel.requestEnvironment(name: name, value: value)
                }
            }
            switch command {
            case .shell: try channel.requestShell()
            case .exec(let text): try channel.requestExec(text)
            case .subsystem(let name): try channel.requestSubsystem(name)
            }
        } catch {
            upstream.release(channel)
            throw error
        }
        return channel
    }
}
