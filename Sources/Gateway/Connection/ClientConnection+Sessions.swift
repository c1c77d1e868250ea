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
        switch access {
        case .refused(let refusal):
            bridge.refuse(refusal)
            return .accept
        case .gatewayShell:
            let store = runtime.auditStore
            let user = context.user?.name ?? ""
            bridge.startGatewayShell(GatewayShell(
                context: context, settings: settings, command: command, interactive: bridge.terminal != nil,
                recentSessions: { RecentSessions.lines(for: user, in: store) },
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
            if context.ticket == nil, let ticket = bridge.ticket { context.ticket = ticket }
            guard let upstream = connectUpstream(to: target, as: login) else {
                bridge.refuse(upstreamFailure ?? .targetUnreachable(target: target.name, reason: "unknown error"))
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
            let description = SessionDescription(id: bridge.sessionID, channelNumber: bridge.client.number,
                                                 command: command, terminal: bridge.terminal,
                                                 environment: bridge.environment, recordingPath: recorder?.path)
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
                journal.metrics.sessionSetup(took: ContinuousClock.now - setupStarted)
                if let recorder { bridge.record(with: recorder) }
                bridge.deadline = grant.deadline(startedAt: Date())
                return .accept
            } catch {
                journal.protocolError(context, "target refused \(command.kind): \(error.description)")
                return .deny
            }
        }
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
    func connectUpstream(to target: Target, as login: String) -> UpstreamSession? {
        if let upstream { return upstream }
        if upstreamFailure != nil { return nil }
        let connector = UpstreamConnector(upstreamKey: runtime.upstreamKey, settings: settings)
        switch connector.connect(to: target, as: login) {
        case .success(let connected):
            journal.upstreamConnected(context, address: target.address, hostKeyFingerprint: connected.hostKeyFingerprint)
            upstream = connected.session
            return connected.session
        case .failure(let failure):
            journal.upstreamFailed(context, address: target.address, refusal: failure.refusal,
                                   hostKeyFingerprint: failure.hostKeyFingerprint)
            upstreamFailure = failure.refusal
            return nil
        }
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
            for (name, value) in bridge.environment.sorted(by: { $0.key < $1.key }) {
                _ = channel.requestEnvironment(name: name, value: value)
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
