internal import CLibSSH

/// The channels of one libssh session (engineer side or target side), numbered for logs,
/// and the one safe way to end that session.
final class SessionChannels {
    private var channels: [OpaquePointer: Channel] = [:]
    private var nextNumber = 0
    private(set) var isTornDown = false

    /// Wraps a libssh channel of this session; it stays alive until released.
    func adopt(_ raw: OpaquePointer, role: Channel.Role) -> Channel {
        nextNumber += 1
        let channel = Channel(handle: raw, role: role, number: nextNumber)
        channels[raw] = channel
        return channel
    }

    func channel(for raw: OpaquePointer?) -> Channel? {
        raw.flatMap { channels[$0] }
    }

    func release(_ channel: Channel) {
        channel.free()
        channels[channel.handle] = nil
    }

    /// Channels first, then disconnect and free: `ssh_disconnect` frees every channel
    /// itself, and freeing one afterwards crashes.
    func tearDown(session handle: OpaquePointer) {
        guard !isTornDown else { return }
        isTornDown = true
        for channel in channels.values { channel.free() }
        channels.removeAll()
        ssh_disconnect(handle)
        ssh_free(handle)
    }

    /// False once the peer has gone, politely or not. A TCP drop fires no channel
    /// callback, so the relay asks after every poll.
    func isConnected(session handle: OpaquePointer) -> Bool {
        guard !isTornDown else { return false }
        let status = ssh_get_status(handle)
        return (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0 && ssh_is_connected(handle) != 0
    }
}
