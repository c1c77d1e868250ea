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
    @discardableResult
    package func poll(timeoutMilliseconds: Int32) -> Bool {
        let result = ssh_event_dopoll(event, timeoutMilliseconds)
        noteDisconnects()
        return result != SSH_ERROR
    }

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
