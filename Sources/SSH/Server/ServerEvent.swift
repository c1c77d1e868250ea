/// Everything an engineer's client can ask of the gateway, as one enum. libssh's
/// callbacks are translated into these cases so that the gateway decides each one in
/// a single exhaustive switch: a new case forces a decision instead of a silent default.
package enum ServerEvent {
    /// A key offered without a signature (the "would you accept this key?" probe).
    /// Accepting only tells the client to sign; it never authenticates.
    case publicKeyOffered(username: String, key: PublicKey)
    /// libssh has verified the client's signature with this key: the only event that
    /// may authenticate.
    case publicKeyVerified(username: String, key: PublicKey)
    /// Any other authentication method (none, password, hostbased, …), and keyboard-interactive
    /// while no second factor is pending.
    case otherAuthenticationAttempt(username: String, method: String)
    /// keyboard-interactive after the key's partial success: `prompt` asks the client for the
    /// second factor; `deny` refuses the method.
    case keyboardInteractiveStarted(username: String)
    /// The client's answers to the last prompt (never logged: they are codes). `accept`
    /// authenticates, `prompt` asks again, `deny` fails the attempt.
    case keyboardInteractiveAnswered(username: String, answers: [String])
    /// A session channel the client wants to open; `deny` refuses it.
    case sessionChannelRequested(Channel)
    /// direct-tcpip: `ssh -W`, `-J` (ProxyJump) or a connection on a `-L` port. After
    /// `accept`, `forwardingChannelOpened` hands over the new channel.
    case forwardingChannelRequested(ForwardingRequest)
    case forwardingChannelOpened(Channel, ForwardingRequest)
    /// tcpip-forward: `ssh -R`.
    case remoteForwardingRequested(address: String, port: Int)
    /// A request on an open session channel.
    case channelRequest(Channel, ChannelRequest)
    /// A channel of a type a client never needs to open on a server (x11, forwarded-tcpip,
    /// auth-agent, or an unknown name): libssh refuses it; the gateway records it.
    case unsupportedChannelRequested(type: String)
}

package struct ForwardingRequest: Sendable, Equatable {
    package var destinationHost: String
    package var destinationPort: Int
    package var originatorHost: String
    package var originatorPort: Int
}

package enum ServerReply: Sendable, Equatable {
    case accept
    case deny
    /// Public key accepted but another method must follow (second factor): libssh then lists
    /// only keyboard-interactive as the method that can continue.
    case partial
    /// keyboard-interactive: send this prompt (SSH_MSG_USERAUTH_INFO_REQUEST).
    case prompt(KeyboardInteractivePrompt)
}

/// One keyboard-interactive round: OpenSSH prints `instruction` (when not empty) and asks
/// `prompt`, without echo unless `echo`.
package struct KeyboardInteractivePrompt: Sendable, Equatable {
    package var name: String
    package var instruction: String
    package var prompt: String
    package var echo: Bool

    package init(name: String = "", instruction: String = "", prompt: String, echo: Bool = false) {
        self.name = name
        self.instruction = instruction
        self.prompt = prompt
        self.echo = echo
    }
}

/// The gateway side of a server session. Called on the connection's own thread,
/// from inside libssh's event processing: it must not tear the session down.
package protocol ServerSessionDelegate: AnyObject {
    func handle(_ event: ServerEvent, on session: ServerSession) -> ServerReply
}
