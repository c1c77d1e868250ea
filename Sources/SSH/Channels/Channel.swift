internal import CLibSSH
import Foundation

/// One SSH channel, on either leg. libssh's callbacks only record what happened
/// (EOF, close, exit status, data waiting); the relay reads these flags after each
/// poll. Doing no work inside callbacks keeps libssh's nested processing harmless.
package final class Channel {
    package enum Role: Sendable { case client, upstream }

    let handle: OpaquePointer
    package let role: Role
    /// Small per-connection number for logs and audit rows.
    package let number: Int
    private let callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>
    /// Where requests on a client channel are delivered; unset for upstream channels.
    weak var server: ServerSession?

    package internal(set) var receivedEOF = false
    package internal(set) var receivedClose = false
    package internal(set) var exitStatus: Int?
    package internal(set) var exitSignal: ExitSignal?
    /// Set by the data callback; cleared once the relay has drained libssh's buffer.
    /// They start set: bytes can arrive before the callbacks are installed (a forward's
    /// destination that speaks first, while the channel is still being opened), and the
    /// first pump must look for them.
    package internal(set) var hasUnreadOutput = true
    package internal(set) var hasUnreadErrorOutput = true
    /// What libssh buffers for each stream, as its data callback last said, less what was
    /// read since; nil until the first callback (see `bufferedByteCount`).
    var reportedOutput: Int?
    var reportedErrorOutput: Int?
    package private(set) var sentEOF = false
    package private(set) var sentClose = false
    package private(set) var isFreed = false

    init(handle: OpaquePointer, role: Role, number: Int) {
        self.handle = handle
        self.role = role
        self.number = number
        self.callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_channel_callbacks_struct())
        tg_init_channel_callbacks(callbacks)
        callbacks.pointee.userdata = Unmanaged.passUnretained(self).toOpaque()
        ChannelCallbacks.install(into: callbacks, role: role)
        ssh_set_channel_callbacks(handle, callbacks)
    }

    deinit {
        free()
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
    }

    // MARK: data

    /// Before any call that can fail on a closed connection: a failing call replaces libssh's
    /// error text, the only place a client's SSH_MSG_DISCONNECT is kept, so the session
    /// latches it first (`ServerSession.peerSentDisconnect`). One latched flag once seen.
    private func notePeerDisconnect() {
        if role == .client, let server { _ = server.peerSentDisconnect }
    }

    /// Bytes libssh holds for this stream, or nil at end of stream.
    ///
    /// Known without asking libssh once the data callback has run: it passes the length of
    /// the whole buffer each time data arrives, and `read` subtracts what it takes.
    /// `ssh_channel_poll` (the fallback: before the first callback, or with nothing
    /// reported) polls every socket of the connection before it answers; on the relay's
    /// path that was a poll(2) per read, twice per direction of every keystroke.
    package func bufferedByteCount(stderr: Bool) -> Int? {
        notePeerDisconnect()
        if let reported = stderr ? reportedErrorOutput : reportedOutput, reported > 0 { return reported }
        let count = ssh_channel_poll(handle, stderr ? 1 : 0)
        if count == SSH_EOF || count == SSH_ERROR { return nil }
        return Int(count)
    }

    /// Moves up to `buffer.count` buffered bytes into `buffer`; never blocks. With bytes
    /// buffered, libssh copies them without polling (`ssh_channel_read_nonblocking` would
    /// poll first, like `ssh_channel_poll`).
    package func read(into buffer: UnsafeMutableRawBufferPointer, stderr: Bool) -> Int {
        notePeerDisconnect()
        let result = ssh_channel_read_timeout(handle, buffer.baseAddress, UInt32(buffer.count), stderr ? 1 : 0, 0)
        let read = result > 0 ? Int(result) : 0
        if stderr {
            reportedErrorOutput = reportedErrorOutput.map { max(0, $0 - read) }
        } else {
            reportedOutput = reportedOutput.map { max(0, $0 - read) }
        }
        return read
    }

    package func clearUnreadFlag(stderr: Bool) {
        if stderr { hasUnreadErrorOutput = false } else { hasUnreadOutput = false }
    }

    /// How many bytes the peer currently lets us send.
    package var sendWindow: Int { Int(ssh_channel_window_size(handle)) }

    /// Writes what the window and the transport accept now; may be 0 during a re-key.
    package func write(_ bytes: UnsafeRawBufferPointer, stderr: Bool) throws(SSHError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let length = UInt32(min(bytes.count, Int(UInt32.max)))
        notePeerDisconnect()
        let result = stderr
            ? ssh_channel_write_stderr(handle, base, length)
            : ssh_channel_write(handle, base, length)
        if result == SSH_ERROR { throw .channelFailed("write on channel \(number) failed") }
        return Int(result)
    }

    // MARK: lifecycle messages

    package func sendEOF() {
        guard !sentEOF, !isFreed else { return }
        sentEOF = true
        notePeerDisconnect()
        _ = ssh_channel_send_eof(handle)
    }

    package func close() {
        guard !sentClose, !isFreed else { return }
        sentEOF = true
        sentClose = true
        notePeerDisconnect()
        _ = ssh_channel_close(handle)
    }

    package func sendExitStatus(_ status: Int) {
        guard !isFreed, !sentClose else { return }
        notePeerDisconnect()
        _ = ssh_channel_request_send_exit_status(handle, Int32(truncatingIfNeeded: status))
    }

    package func sendExitSignal(_ signal: ExitSignal) {
        guard !isFreed, !sentClose else { return }
        _ = ssh_channel_request_send_exit_signal(handle, signal.name, signal.coreDumped ? 1 : 0, signal.message, "")
    }

    package func changeTerminalSize(_ size: TerminalSize) {
        guard !isFreed else { return }
        _ = ssh_channel_change_pty_size(handle, Int32(size.columns), Int32(size.rows))
    }

    package func sendSignal(_ name: String) {
        guard !isFreed else { return }
        _ = ssh_channel_request_send_signal(handle, name)
    }

    /// Detaches our callbacks and gives the channel back to libssh. Must run before
    /// the owning session is disconnected: `ssh_disconnect` frees every channel itself.
    package func free() {
        guard !isFreed else { return }
        isFreed = true
        _ = ssh_remove_channel_callbacks(handle, callbacks)
        ssh_channel_free(handle)
    }

    // MARK: requests on an upstream channel (blocking mode only)

    package func requestPseudoTerminal(_ pty: PseudoTerminal) throws(SSHError) {
        guard ssh_channel_request_pty_size(handle, pty.term, Int32(pty.size.columns), Int32(pty.size.rows)) == SSH_OK else {
            throw .requestDenied("pty")
        }
    }

    /// Returns false when the target refuses the variable (its AcceptEnv decides).
    package func requestEnvironment(name: String, value: String) -> Bool {
        ssh_channel_request_env(handle, name, value) == SSH_OK
    }

    package func requestShell() throws(SSHError) {
        guard ssh_channel_request_shell(handle) == SSH_OK else { throw .requestDenied("shell") }
    }

    package func requestExec(_ command: String) throws(SSHError) {
        guard ssh_channel_request_exec(handle, command) == SSH_OK else { throw .requestDenied("exec") }
    }

    package func requestSubsystem(_ name: String) throws(SSHError) {
        guard ssh_channel_request_subsystem(handle, name) == SSH_OK else { throw .requestDenied("subsystem \(name)") }
    }
}
