import Audit
import Foundation
import Policy
import SSH

/// One engineer connection, run start to finish on its own OS thread. The thread owns
/// both libssh sessions (engineer side and target side) and the event that polls them,
/// so no libssh object is ever touched by two threads.
final class ClientConnection {
    let server: ServerSession
    var settings: GatewaySettings
    var settingsGeneration: Int
    let runtime: GatewayRuntime
    var context: ConnectionContext
    var phase: ConnectionPhase = .keyExchange {
        didSet { isAuthorizedPhase = phase.isAuthorized }
    }
    /// `phase.isAuthorized`, kept up to date on every change of phase: the loop asks on
    /// every trip, and reading `phase` copies its payload (access request, target, grant:
    /// a dozen reference counts) each time.
    private(set) var isAuthorizedPhase = false
    var upstream: UpstreamSession?
    var upstreamFailure: Refusal?
    /// False when the upstream certificate was issued without `permit-pty`.
    var upstreamAllowsTerminal = true
    /// The target's connection broke while this connection was using it.
    var targetDropped = false
    /// A channel was torn down without the client's close: the client vanished mid-stream.
    var clientAbandonedChannel = false
    var bridges: [ChannelBridge] = []
    var tunnels: [TunnelBridge] = []
    let preparedForward = Handoff<PreparedForward>()
    var authenticationAttempts = 0
    var isAuthenticated = false
    /// A connection-wide refusal (remote forwarding was asked for): every session fails.
    var connectionRefusal: Refusal?
    /// The review item (b-…) once this connection broke the glass: its sessions carry it.
    var breakGlassReview: String?
    var endReason: ConnectionCloseReason?
    /// What went wrong, for `connection.close`'s `error` detail (a refused key exchange).
    var endDetail: String?
    /// Kinds of refused requests already in the trail for this connection: a client sending
    /// thousands of them gets each refused, but the trail records the first of each kind.
    var auditedRequestRefusals: Set<String> = []
    /// The key exchange ran into its deadline (a penalty offence of its own).
    private(set) var keyExchangeTimedOut = false
    let poller: EventPoller
    /// The key was verified and a code is asked for: the access outcome waits here, unrecorded,
    /// until the code is right (see ClientConnection+SecondFactor.swift).
    var pendingSecondFactor: PendingSecondFactor?
    /// How other threads reach this one (oversight); created once the user is authenticated.
    var control: ConnectionControl?
    /// The locks' generation last judged against (see `enforceLocks`).
    var locksGeneration = -1
    /// The thread worked (key exchanges, authentication, a session's start, relaying, the
    /// periodic checks) since the loop last gave its stack's unused pages back (see ThreadStack).
    private var stackUsedSinceRelease = true

    /// `via`: the trusted proxy that named the client (`server.clientAddress` is then the
    /// client from its PROXY header, not the socket's peer).
    init(server: ServerSession, settings: GatewaySettings, runtime: GatewayRuntime, via: String? = nil) throws(SSHError) {
        self.server = server
        self.settings = settings
        self.settingsGeneration = runtime.settingsGeneration
        self.runtime = runtime
        self.poller = try EventPoller()
        self.context = ConnectionContext(id: ConnectionContext.makeIdentifier(prefix: "c-"),
                                         clientAddress: server.clientAddress, clientPort: server.clientPort, via: via)
    }

    var journal: ConnectionJournal { runtime.journal }

    /// The whole life of the connection. Returns when both legs are closed and freed.
    func run() {
        server.delegate = self
        defer { finish() }
        let keyExchangeStarted = ContinuousClock.now
        do {
            try server.performKeyExchange(timeout: settings.limits.keyExchangeTimeout)
        } catch {
            journal.protocolError(context, error.description)
            // libssh reports its timeout like any other failure; the clock tells them apart.
            let timedOut = ContinuousClock.now - keyExchangeStarted >= settings.limits.keyExchangeTimeout - .milliseconds(500)
            keyExchangeTimedOut = timedOut
            endReason = .keyExchangeFailed
            // A client without an allowed key exchange (e.g. none post-quantum when only those
            // are allowed) is a policy outcome worth its line in the trail; socket noise is not.
            if case .noCommonKeyExchange = error { endDetail = error.description }
            return
        }
        context.clientVersion = server.clientVersion
        let negotiated = server.negotiatedAlgorithms
        context.clientLeg = NegotiatedLeg(keyExchange: negotiated.keyExchange, cipherIn: negotiated.cipherIn,
                                          cipherOut: negotiated.cipherOut)
        journal.connectionOpened(context)
        server.setBlocking(false)
        phase = .authenticating(deadline: .now + settings.limits.authTimeout)
        poller.add(server)
        poller.addWakeDescriptor(runtime.shutdown.descriptor)
        var watchingShutdown = true
        var checks = ConnectionCheckSchedule()
        // Whether a pump now would move something; known from the last pump unless
        // something else touched the sessions since (then asked again).
        var workWaiting = false
        while endReason == nil {
            poller.poll(timeoutMilliseconds: workWaiting ? 0 : pollTimeout(checks))
            workWaiting = pumpBridges()
            var sessionsTouched = false
            if watchingShutdown && runtime.shutdown.isRequested {
                // Stop watching the pipe: it stays readable and would spin the loop.
                watchingShutdown = false
                poller.removeWakeDescriptors()
                shutdownRequested()
                sessionsTouched = true
            }
            sessionsTouched = checkLegs() || sessionsTouched
            sessionsTouched = checkOversightMail() || sessionsTouched
            // Authenticated sessions relay data: the periodic checks run on a schedule,
            // not on every trip (see ConnectionCheckSchedule). Handshakes and draining
            // keep checking every trip.
            if !isAuthorizedPhase || checks.isDue(at: .now) {
                checkDeadlines()
                checkRecordings()
                checkPolicy()
                checkOversight()
                sessionsTouched = true
                // The checks reach ~20 KiB deeper than the loop: give those pages back too.
                stackUsedSinceRelease = true
            }
            if sessionsTouched { workWaiting = hasImmediateWork }
            releaseStackWhenIdle()
        }
    }

    /// After a poll that waited its whole timeout, the stack pages that work since the last
    /// release touched below the loop go back to the kernel: the post-quantum key exchanges
    /// take about 100 KiB of stack, a session's start, the relay's bursts and the periodic
    /// checks (every 2 s on an idle connection) 20 KiB more, and an idle connection's thread
    /// needs only the loop's own 10 KiB. One madvise(2) per idle trip that followed work
    /// (about 2 µs with few pages resident); the next work faults its pages back in.
    private func releaseStackWhenIdle() {
        guard poller.waitedInVain else {
            stackUsedSinceRelease = true
            return
        }
        guard stackUsedSinceRelease else { return }
        stackUsedSinceRelease = false
        ThreadStack.releaseUnusedPages()
    }

    /// Long waits while relaying (sockets wake us; a reload is seen within 2 s); short
    /// ones while a handshake deadline runs, a session's grant is about to end or checks
    /// skipped by the schedule are due. Called only when no pump could move anything now.
    /// No allocation: during a transfer this runs on most trips of the loop.
    private func pollTimeout(_ checks: ConnectionCheckSchedule) -> Int32 {
        guard isAuthorizedPhase else { return 200 }
        // A decision comes from another connection's thread: look at the board often.
        if isAwaitingApproval { return 100 }
        if let limit = checks.pollLimit(at: .now) { return limit }
        for tunnel in tunnels where tunnel.hasPendingWrites { return 20 }
        // A watcher is woken at once only for output after a pause; output that follows
        // closely is batched and picked up by this poll (`Watcher.batchInterval`).
        if bridges.contains(where: \.isWatching) { return Watcher.batchMilliseconds }
        var nextDeadline = drainDeadlineDate
        func consider(_ date: Date) {
            if nextDeadline.map({ date < $0 }) ?? true { nextDeadline = date }
        }
        for bridge in bridges {
            guard let deadline = bridge.deadline else { continue }
            consider(bridge.warnedOfDeadline ? deadline.date : deadline.date - Self.deadlineWarning)
        }
        for tunnel in tunnels {
            if let deadline = tunnel.deadline { consider(deadline.date) }
        }
        guard let nextDeadline else { return 2000 }
        return Int32(max(50, min(2000, nextDeadline.timeIntervalSince(Date()) * 1000)))
    }

    /// Pumps until nothing more can move without waiting for the network (bounded, so
    /// that one busy channel cannot starve the checks of the loop).
    /// Returns whether more could move at once (the last pass left work).
    @discardableResult
    private func pumpBridges() -> Bool {
        var passes = 0
        var workLeft: Bool
        repeat {
            for bridge in bridges {
                bridge.pump()
                if let (command, ticket) = bridge.takeEnteredTicket() {
                    bridge.ticket = ticket
                    if start(command, on: bridge) == .deny { bridge.refuse(.commandRefused(command.kind)) }
                }
                if let (command, reason) = bridge.takeEnteredReason() {
                    bridge.breakGlassReason = reason
                    if start(command, on: bridge) == .deny { bridge.refuse(.commandRefused(command.kind)) }
                }
                if bridge.openApprovalID != nil { resolveApproval(on: bridge) }
            }
            for tunnel in tunnels { tunnel.pump(poller) }
            passes += 1
            workLeft = hasImmediateWork
        } while passes < 16 && workLeft
        removeFinishedBridges()
        return workLeft
    }

    private var hasImmediateWork: Bool {
        bridges.contains(where: \.canProgress) || tunnels.contains(where: \.canProgress)
    }

    private func removeFinishedBridges() {
        tunnels.removeAll { tunnel in
            guard tunnel.isFinished else { return false }
            if !tunnel.client.receivedClose { clientAbandonedChannel = true }
            journal.sessionClosed(context, sessionID: tunnel.sessionID, outcome: tunnel.outcome)
            unregisterLive(tunnel.sessionID)
            server.release(tunnel.client)
            return true
        }
        bridges.removeAll { bridge in
            guard bridge.isFinished else { return false }
            bridge.stopWatching()
            unregisterLive(bridge.sessionID)
            if !bridge.client.receivedClose { clientAbandonedChannel = true }
            settleOpenApproval(of: bridge)
            if let outcome = bridge.completeOutcome() {
                journal.sessionClosed(context, sessionID: bridge.sessionID, outcome: outcome)
            }
            if let upstreamChannel = bridge.upstreamChannel { upstream?.release(upstreamChannel) }
            server.release(bridge.client)
            runtime.userSessions.close(bridge.sessionID)
            return true
        }
    }

    /// A TCP drop fires no channel callback: ask both sessions after every poll.
    /// Returns whether it changed anything (a leg was lost).
    private func checkLegs() -> Bool {
        // libssh keeps the DISCONNECT only in its error text, which the next failed call
        // replaces: the SSH module latches it after every poll pass and before every call on
        // a client's channel, so the pumps of this trip cannot have hidden it.
        let saidGoodbye = server.peerSentDisconnect
        if !server.isConnected {
            // A reason decided earlier on this trip of the loop (the third wrong code) stands:
            // the client only left because it was told.
            guard endReason == nil else { return true }
            // A client quit when it said so (SSH_MSG_DISCONNECT: `ssh -J` sends it with its
            // tunnel still open) or left with no stream running: every channel closed, or a
            // tunnel the gateway had closed, which it does only once the target's side ended or
            // when it ends the tunnel itself (OpenSSH's `ssh -W` exits as soon as its forward's
            // channel is closed, at times before its own CLOSE has left). One that vanished in
            // the middle of a stream (killed, network lost) dropped.
            let leftTidily = bridges.isEmpty && tunnels.allSatisfy(\.client.sentClose) && !clientAbandonedChannel
            endReason = isAuthenticated && (saidGoodbye || leftTidily) ? .clientQuit : .clientDropped
            // The client left because its target went away: that, not the client, ended it.
            if targetDropped && endReason == .clientQuit { endReason = .targetDropped }
            if case .draining = phase, runtime.shutdown.isRequested { endReason = .shutdown }
            return true
        }
        if let upstream, !upstream.isConnected {
            let lost = Refusal.upstreamLost(target: context.target?.name ?? upstream.host)
            for bridge in bridges { bridge.upstreamLost(lost) }
            poller.remove(upstream)
            upstream.tearDown()
            self.upstream = nil
            upstreamFailure = lost
            targetDropped = true
            journal.requestRefused(context, refusal: lost)
            pumpBridges()
            return true
        }
        return false
    }

    private func checkDeadlines() {
        let now = ContinuousClock.now
        switch phase {
        case .keyExchange:
            break
        case .authenticating(let deadline):
            if now >= deadline {
                journal.protocolError(context, "authentication deadline passed")
                endReason = .authenticationTimeout
            } else if authenticationAttempts >= settings.limits.maxAuthAttempts {
                journal.protocolError(context, "too many authentication attempts")
                endReason = .tooManyAttempts
            }
        case .authorized:
            checkSessionDeadlines()
            checkDrainDeadline()
        case .draining(let deadline):
            if now >= deadline || bridges.isEmpty && !server.isConnected {
                endReason = runtime.shutdown.isRequested ? .shutdown : .clientQuit
            }
        }
    }

    /// Ends every session with `refusal` and gives the client a grace period to leave.
    func beginDraining(because refusal: Refusal) {
        for bridge in bridges { bridge.refuse(refusal) }
        if case .draining = phase { return }
        phase = .draining(deadline: .now + settings.limits.closeGrace)
    }

    /// Teardown in the only safe order: out of the event, channels, then sessions.
    private func finish() {
        poller.removeAll()
        for bridge in bridges {
            settleOpenApproval(of: bridge)
            bridge.stopWatching()
            unregisterLive(bridge.sessionID)
            if let outcome = bridge.completeOutcome() {
                journal.sessionClosed(context, sessionID: bridge.sessionID, outcome: outcome)
            }
            runtime.userSessions.close(bridge.sessionID)
        }
        bridges.removeAll()
        for tunnel in tunnels {
            journal.sessionClosed(context, sessionID: tunnel.sessionID, outcome: tunnel.outcome)
            unregisterLive(tunnel.sessionID)
            tunnel.socket.close()
        }
        tunnels.removeAll()
        upstream?.tearDown()
        upstream = nil
        server.tearDown()
        secondFactorUnanswered()
        runtime.live.removeConnection(context.id)
        journal.connectionClosed(context, reason: endReason ?? .error, detail: endDetail)
        runtime.admission.closed(source: context.clientAddress, wasAuthenticated: isAuthenticated)
        if !isAuthenticated { recordPenalty() }
    }
}
