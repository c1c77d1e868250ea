import Audit
import Foundation
import Policy
import SSH

/// The gateway's answer to everything a client can ask: one exhaustive switch, so that
/// a new kind of event cannot slip through on a default.
extension ClientConnection: ServerSessionDelegate {
    func handle(_ event: ServerEvent, on session: ServerSession) -> ServerReply {
        switch event {
        case .publicKeyOffered(_, let key):
            guard case .authenticating = phase else { return outOfPhase("public key offer") }
            // The key is verified and its code is due: no switching to another key (and user) now.
            guard pendingSecondFactor == nil else { return outOfPhase("public key offer while a code is due") }
            guard !attemptsExhausted else { return .deny }
            guard settings.policy.user(forKeyBlob: key.blob) != nil else {
                authenticationAttempts += 1
                journal.authenticationAttempt(context, method: "publickey", result: .unknownKey, user: nil,
                                              keyType: key.algorithm, fingerprint: key.fingerprint)
                return .deny
            }
            // Only asks the client to prove it holds the key; nothing is granted yet.
            return .accept
        case .publicKeyVerified(let username, let key):
            guard case .authenticating = phase else { return outOfPhase("public key signature") }
            guard pendingSecondFactor == nil else { return outOfPhase("public key signature while a code is due") }
            guard !attemptsExhausted else { return .deny }
            authenticationAttempts += 1
            guard let user = settings.policy.user(forKeyBlob: key.blob) else {
                journal.authenticationAttempt(context, method: "publickey", result: .unknownKey, user: nil,
                                              keyType: key.algorithm, fingerprint: key.fingerprint)
                return .deny
            }
            context.user = user
            context.keyType = key.algorithm
            context.keyFingerprint = key.fingerprint
            journal.authenticationAttempt(context, method: "publickey", result: .accepted, user: user,
                                          keyType: key.algorithm, fingerprint: key.fingerprint)
            return authorizeVerifiedUser(user, username: username)
        case .otherAuthenticationAttempt(_, let method):
            guard case .authenticating = phase else { return outOfPhase("authentication request") }
            // OpenSSH always starts with "none" to learn the methods: not a guess, nothing to record.
            guard method != "none", !attemptsExhausted else { return .deny }
            authenticationAttempts += 1
            journal.authenticationAttempt(context, method: method, result: .rejected, user: nil,
                                          keyType: nil, fingerprint: nil)
            return .deny
        case .keyboardInteractiveStarted:
            guard case .authenticating = phase, pendingSecondFactor != nil else { return outOfPhase("keyboard-interactive") }
            return secondFactorPrompt()
        case .keyboardInteractiveAnswered(_, let answers):
            guard case .authenticating = phase, pendingSecondFactor != nil else { return outOfPhase("keyboard-interactive answer") }
            return secondFactorAnswered(answers)
        case .sessionChannelRequested(let channel):
            guard phase.isAuthorized else { return outOfPhase("session channel") }
            return openSessionChannel(channel)
        case .forwardingChannelRequested(let request):
            guard phase.isAuthorized, !runtime.shutdown.isRequested else { return outOfPhase("direct-tcpip channel") }
            return forwardingLimitRefusal() ?? forwardingRequested(request)
        case .forwardingChannelOpened(let channel, let request):
            forwardingOpened(channel, request)
            return .accept
        case .remoteForwardingRequested:
            guard phase.isAuthorized else { return outOfPhase("tcpip-forward") }
            connectionRefusal = .remoteForwarding
            journal.requestRefused(context, refusal: .remoteForwarding)
            return .deny
        case .unsupportedChannelRequested(let type):
            guard phase.isAuthorized else { return outOfPhase("\(type) channel") }
            return refuseRequest("channel-open", reason: "unsupported channel type (\(type))", on: nil)
        case .channelRequest(let channel, let request):
            guard phase.isAuthorized, let bridge = bridges.first(where: { $0.client === channel }) else {
                return outOfPhase("channel request")
            }
            // Nothing may follow a channel's CLOSE (RFC 4254 5.3); an exec taken from a closed
            // channel would run on the target with no one to read it.
            guard !channel.receivedClose else {
                return refuseRequest(request.wireName, reason: "sent after the client closed the channel", on: bridge)
            }
            return handle(request, on: bridge)
        }
    }
}

extension ClientConnection {
    /// The attempt limit holds at the attempt itself, not only in the loop's checks: the loop
    /// polls several times before it checks, and a client can send its next attempts within
    /// one trip. Once the limit is reached every further attempt is refused unexamined; the
    /// loop's check then ends the connection.
    var attemptsExhausted: Bool { authenticationAttempts >= settings.limits.maxAuthAttempts }
}
