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
    private var channels: [OpaquePointer: Channel] = [:]
    private var nextChannelNumber = 0
    private var isTornDown = false

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
            throw .keyExchangeFailed(LibSSH.lastError(handle))
        }
        ssh_set_auth_methods(handle, Int32(SSH_AUTH_METHOD_PUBLICKEY))
    }

    /// "SSH-2.0-OpenSSH_9.2p1 …" as the client announced itself.
    package var clientVersion: String {
        LibSSH.string(ssh_get_clientbanner(handle))
    }

    /// False once the client has gone, politely or not. A TCP drop fires no channel
    /// callback, so the relay must ask after every poll.
    package var isConnected: Bool {
        guard !isTornDown else { return false }
        let status = ssh_get_status(handle)
        return (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0 && ssh_is_connected(handle) != 0
    }

    /// Switches to non-blocking mode for the relay loop.
    package func setBlocking(_ blocking: Bool) {
        ssh_set_blocking(handle, blocking ? 1 : 0)
    }

    func deliver(_ event: ServerEvent) -> ServerReply {
        delegate?.handle(event, on: self) ?? .deny
    }

    /// Creates the libssh channel for an incoming session channel request.
    func makeChannel() -> Channel? {
        ssh_channel_new(handle).map(adopt)
    }

    /// Wraps a channel libssh created while accepting a direct-tcpip open.
    func adopt(_ raw: OpaquePointer) -> Channel {
        nextChannelNumber += 1
        let channel = Channel(handle: raw, role: .client, number: nextChannelNumber)
        channel.server = self
        channels[raw] = channel
        return channel
    }

    func channel(for raw: OpaquePointer?) -> Channel? {
        raw.flatMap { channels[$0] }
    }

    /// Frees a channel the relay has finished with.
    package func release(_ channel: Channel) {
        channel.free()
        channels[channel.handle] = nil
    }

    /// Disconnects and frees the session. Channels go first: `ssh_disconnect` frees
    /// them itself, and freeing one afterwards crashes.
    package func tearDown() {
        guard !isTornDown else { return }
        isTornDown = true
        for channel in channels.values { channel.free() }
        channels.removeAll()
        ssh_disconnect(handle)
        ssh_free(handle)
    }
}
