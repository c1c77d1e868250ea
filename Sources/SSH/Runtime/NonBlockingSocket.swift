import Foundation

/// Both legs' sockets are non-blocking wherever libssh takes EAGAIN as "poll again"
/// (`LibSSHCapabilities.usesNonBlockingSockets`). libssh writes a whole buffered packet
/// train in one send(2) once poll reports POLLOUT, and POLLOUT promises room for some bytes,
/// not for all: on a blocking socket a client that stops reading, with more pending than the
/// kernel's buffers hold (several busy channels), would keep the connection's thread inside
/// send(2), where no terminate, lock, drain or deadline can reach it. Non-blocking, the send
/// takes what fits and the thread goes back to its loop.
enum NonBlockingSocket {
    static func adopt(_ fd: Int32) {
        guard LibSSHCapabilities.usesNonBlockingSockets, fd >= 0 else { return }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }
}
