internal import CLibSSH
import Foundation

/// The engineer's side of one connection. Owned and used by exactly one thread from
/// key exchange to teardown, as libssh requires.
package final class ServerSession {
    let handle: OpaquePointer
    package let clientAddress: String
    package let clientPort: Int
    package weak var delegate: (any ServerSessionDelegate)?
    private let callbacks: UnsafeMutablePointer<ssh_server_callbacks_struct>
    private let channels = SessionChannels()

    init(handle: OpaquePointer, clientAddress: String, clientPort: Int) {
        self.handle = handle
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_server_callbacks_struct())
        tg_init_server_callbacks(callbacks)
    }

    deinit {
        tearDown()
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
    }

    /// Runs the key exchange with the client, bounded by `timeout`, with compression
    /// forbidden (libssh's "no" still offers zlib; only an explicit "none" removes it).
    package func performKeyExchange(timeout: Duration) throws(SSHError) {
        var seconds = CLong(max(1, timeout.components.seconds))
        ssh_options_set(handle, SSH_OPTIONS_TIMEOUT, &seconds)
        ssh_options_set(handle, SSH_OPTIONS_COMPRESSION_C_S, "none")
        ssh_options_set(handle, SSH_OPTIONS_COMPRESSION_S_C, "none")
        callbacks.pointee.userdata = Unmanaged.passUnretained(self).toOpaque()
        ServerCallbacks.install(into: callbacks)
        ssh_set_server_callbacks(handle, callbacks)
        ssh_set_message_callback(handle, ServerCallbacks.messageCallback, Unmanaged.passUnretained(self).toOpaque())
        guard ssh_handle_key_exchange(handle) == SSH_OK else {
            let message = LibSSH.lastError(handle)
            throw KeyExchangeMismatch(message: message, gatewayIsServer: true)?.error ?? SSHError.keyExchangeFailed(message)
        }
        ssh_set_auth_methods(handle, Int32(SSH_AUTH_METHOD_PUBLICKEY))
    }

    /// "SSH-2.0-OpenSSH_9.2p1 …" as the client announced itself.
    package var clientVersion: String {
        LibSSH.string(ssh_get_clientbanner(handle))
    }

    /// The key exchange and ciphers this leg negotiated (after `performKeyExchange`).
    package var negotiatedAlgorithms: NegotiatedAlgorithms {
        NegotiatedAlgorithms(session: handle)
    }

    /// False once the client has gone, politely or not.
    package var isConnected: Bool { channels.isConnected(session: handle) }

    /// Whether the client ended the connection with SSH_MSG_DISCONNECT, as OpenSSH does when it
    /// exits normally (or on `~.`), rather than by its socket closing (killed, network lost).
    /// libssh 0.10 keeps this fact only in the session's error text, which its disconnect
    /// handler sets to this prefix (0.12 too, word for word).
    /// Latched: a later failed call on the closed socket replaces the error text, so this is
    /// asked after every poll pass (`EventPoller`) and before every call on a client's
    /// channel (`Channel`), and the first sighting stays.
    package var peerSentDisconnect: Bool {
        if !disconnectSeen { disconnectSeen = LibSSH.lastErrorHasPrefix(handle, "Received SSH_MSG_DISCONNECT") }
        return disconnectSeen
    }
    private var disconnectSeen = false

    /// Switches to non-blocking mode for the relay loop.
    package func setBlocking(_ blocking: Bool) {
        ssh_set_blocking(handle, blocking ? 1 : 0)
    }

    /// Set when the key got partial success: keyboard-interactive is then the second factor.
    var secondFactorPending = false

    func deliver(_ event: ServerEvent) -> ServerReply {
        let reply = delegate?.handle(event, on: self) ?? .deny
        if case .publicKeyVerified = event, reply == .partial { secondFactorPending = true }
        return reply
    }

    /// Sends SSH_MSG_USERAUTH_BANNER, which OpenSSH prints on stderr (unless LogLevel is
    /// quiet or error), also in BatchMode: the one way to tell a client that will not answer
    /// a prompt why it is refused.
    package func sendBanner(_ text: String) {
        guard let banner = ssh_string_from_char(text) else { return }
        defer { ssh_string_free(banner) }
        ssh_send_issue_banner(handle, banner)
    }

    /// Creates the libssh channel for an incoming session channel request.
    func makeChannel() -> Channel? {
        ssh_channel_new(handle).map(adopt)
    }

    /// Wraps a channel libssh created while accepting a direct-tcpip open.
    func adopt(_ raw: OpaquePointer) -> Channel {
        let channel = channels.adopt(raw, role: .client)
        channel.server = self
        return channel
    }

    func channel(for raw: OpaquePointer?) -> Channel? {
        channels.channel(for: raw)
    }

    /// Frees a channel the relay has finished with.
    package func release(_ channel: Channel) {
        channels.release(channel)
    }

    /// Disconnects and frees the session and its channels.
    package func tearDown() {
        channels.tearDown(session: handle)
    }
}
