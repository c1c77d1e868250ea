internal import CLibSSH
import Foundation

/// One `ssh_event` polling both legs of a connection (and a wake-up descriptor) on the
/// connection's thread. Every callback of both sessions fires inside `poll`.
package final class EventPoller {
    private let event: OpaquePointer
    private var servers: [ServerSession] = []
    private var upstreams: [UpstreamSession] = []
    private var wakeDescriptors: [Int32] = []
    private var watchedDescriptors: [Int32] = []
    private var signalDescriptors: [Int32] = []

    package init() throws(SSHError) {
        guard let event = ssh_event_new() else { throw .io("cannot allocate a libssh event") }
        self.event = event
    }

    deinit {
        removeAll()
        ssh_event_free(event)
    }

    package func add(_ session: ServerSession) {
        if ssh_event_add_session(event, session.handle) == SSH_OK { servers.append(session) }
    }

    /// Idempotent: the connection adds its upstream after every channel it opens.
    package func add(_ session: UpstreamSession) {
        guard !upstreams.contains(where: { $0 === session }) else { return }
        if ssh_event_add_session(event, session.handle) == SSH_OK { upstreams.append(session) }
    }

    /// Watches a descriptor whose readability means "look at your flags" (shutdown).
    /// The callback does not consume it: a shutdown stays signalled for every thread.
    package func addWakeDescriptor(_ fd: Int32) {
        if ssh_event_add_fd(event, fd, Int16(POLLIN), { _, _, _ in 0 }, nil) == SSH_OK {
            wakeDescriptors.append(fd)
        }
    }

    /// Watches a pipe whose readability means "a message waits for this connection"
    /// (oversight: terminate, lock, a watched session's output). Unlike a wake descriptor it
    /// is consumed here, inside the poll, so it wakes the thread once per signal; it stays
    /// watched through a shutdown (`removeWakeDescriptors`).
    package func addSignalDescriptor(_ fd: Int32) {
        if ssh_event_add_fd(event, fd, Int16(POLLIN), { fd, _, _ in
            var drained = [UInt8](repeating: 0, count: 64)
            _ = read(fd, &drained, 64)
            return 0
        }, nil) == SSH_OK {
            signalDescriptors.append(fd)
        }
    }

    /// Watches a plain socket (a tunnel to a target): `watch.isReadable` is set when data
    /// or EOF waits. The watch must stay alive until `removeDescriptor`.
    package func addDescriptor(_ fd: Int32, watch: DescriptorWatch) {
        let userdata = Unmanaged.passUnretained(watch).toOpaque()
        if ssh_event_add_fd(event, fd, Int16(POLLIN), { _, _, userdata in
            Unmanaged<DescriptorWatch>.fromOpaque(userdata!).takeUnretainedValue().isReadable = true
            return 0
        }, userdata) == SSH_OK {
            watchedDescriptors.append(fd)
        }
    }

    package func removeDescriptor(_ fd: Int32) {
        guard let index = watchedDescriptors.firstIndex(of: fd) else { return }
        ssh_event_remove_fd(event, fd)
        watchedDescriptors.remove(at: index)
    }

    /// Processes whatever is ready, waiting at most `timeoutMilliseconds`.
    /// Returns false when libssh reports an error (often a dropped socket).
    ///
    /// On a libssh that reads a socket 4 KiB per readiness (Debian 12's 0.10.6, the
    /// fallback), a 32 KiB data packet takes eight polls to arrive: after a poll that found
    /// something, this one polls again without waiting, up to `passesForSmallReads` times,
    /// so that the caller's loop pumps a whole packet per trip instead of paying its own
    /// work per 4 KiB. The patched libssh (`LibSSHCapabilities.readsWholePackets`) reads a
    /// streaming socket whole, and there an extra pass would only cost a poll(2) per trip
    /// (two per keystroke). Not while a plain descriptor is watched: its readiness is only
    /// recorded, so every extra pass would find it again instead of new bytes.
    @discardableResult
    package func poll(timeoutMilliseconds: Int32) -> Bool {
        var result = ssh_event_dopoll(event, timeoutMilliseconds)
        waitedInVain = result == SSH_AGAIN && timeoutMilliseconds > 0
        noteDisconnects()
        guard !LibSSHCapabilities.readsWholePackets, watchedDescriptors.isEmpty else { return result != SSH_ERROR }
        var passes = 0
        while result == SSH_OK && passes < Self.passesForSmallReads {
            result = ssh_event_dopoll(event, 0)
            noteDisconnects()
            passes += 1
        }
        return result != SSH_ERROR
    }

    /// The last `poll` waited its whole timeout and nothing happened: the caller is idle.
    package private(set) var waitedInVain = false

    /// 8 x 4 KiB covers a 16-32 KiB data packet.
    private static let passesForSmallReads = 8

    /// A client's SSH_MSG_DISCONNECT, read by this poll, is latched before anything else can
    /// replace libssh's error text (`ServerSession.peerSentDisconnect`).
    private func noteDisconnects() {
        for session in servers { _ = session.peerSentDisconnect }
    }

    /// Gives the sessions their own poll contexts back; required before teardown.
    package func removeAll() {
        for session in servers { ssh_event_remove_session(event, session.handle) }
        for session in upstreams { ssh_event_remove_session(event, session.handle) }
        for fd in wakeDescriptors + watchedDescriptors + signalDescriptors { ssh_event_remove_fd(event, fd) }
        watchedDescriptors.removeAll()
        signalDescriptors.removeAll()
        servers.removeAll()
        upstreams.removeAll()
        wakeDescriptors.removeAll()
    }

    package func removeWakeDescriptors() {
        for fd in wakeDescriptors { ssh_event_remove_fd(event, fd) }
        wakeDescriptors.removeAll()
    }

    package func remove(_ session: UpstreamSession) {
        guard let index = upstreams.firstIndex(where: { $0 === session }) else { return }
        ssh_event_remove_session(event, session.handle)
        upstreams.remove(at: index)
    }
}

/// Readiness of a descriptor watched by an `EventPoller`, set from libssh's poll.
package final class DescriptorWatch {
    package var isReadable = false
    package init() {}
}
