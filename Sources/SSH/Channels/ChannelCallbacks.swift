internal import CLibSSH

/// C trampolines for channel callbacks. Each recovers its `Channel` from `userdata`
/// (an unretained reference: the connection keeps every channel alive until it is
/// freed) and either records a flag or asks the server session for a decision.
enum ChannelCallbacks {
    static func channel(_ userdata: UnsafeMutableRawPointer?) -> Channel {
        Unmanaged<Channel>.fromOpaque(userdata!).takeUnretainedValue()
    }

    static func install(into callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>, role: Channel.Role) {
        // Data is left in libssh's buffer (return 0) and pulled by the relay when the
        // other leg can take it: not consuming here is what gives real backpressure.
        // libssh passes the whole buffer each time, so `length` is all it holds for the stream.
        callbacks.pointee.channel_data_function = { _, _, _, length, isStderr, userdata in
            let channel = ChannelCallbacks.channel(userdata)
            if isStderr != 0 {
                channel.hasUnreadErrorOutput = true
                channel.reportedErrorOutput = Int(length)
            } else {
                channel.hasUnreadOutput = true
                channel.reportedOutput = Int(length)
            }
            return 0
        }
        callbacks.pointee.channel_eof_function = { _, _, userdata in
            ChannelCallbacks.channel(userdata).receivedEOF = true
        }
        callbacks.pointee.channel_close_function = { _, _, userdata in
            let channel = ChannelCallbacks.channel(userdata)
            channel.receivedEOF = true
            channel.receivedClose = true
        }
        switch role {
        case .upstream: installUpstream(into: callbacks)
        case .client: installClient(into: callbacks)
        }
    }

    private static func installUpstream(into callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>) {
        callbacks.pointee.channel_exit_status_function = { _, _, status, userdata in
            ChannelCallbacks.channel(userdata).exitStatus = Int(status)
        }
        callbacks.pointee.channel_exit_signal_function = { _, _, signal, core, message, _, userdata in
            ChannelCallbacks.channel(userdata).exitSignal = ExitSignal(
                name: LibSSH.string(signal), coreDumped: core != 0, message: LibSSH.string(message))
        }
    }

    private static func request(_ userdata: UnsafeMutableRawPointer?, _ request: ChannelRequest) -> Bool {
        let channel = ChannelCallbacks.channel(userdata)
        guard let server = channel.server else { return false }
        return server.deliver(.channelRequest(channel, request)) == .accept
    }

    private static func installClient(into callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>) {
        callbacks.pointee.channel_pty_request_function = { _, _, term, width, height, pixelWidth, pixelHeight, userdata in
            let size = TerminalSize(columns: Int(width), rows: Int(height),
                                    pixelWidth: Int(pixelWidth), pixelHeight: Int(pixelHeight))
            let pty = PseudoTerminal(term: LibSSH.string(term), size: size)
            return ChannelCallbacks.request(userdata, .pty(pty)) ? 0 : -1
        }
        callbacks.pointee.channel_shell_request_function = { _, _, userdata in
            ChannelCallbacks.request(userdata, .shell) ? 0 : 1
        }
        callbacks.pointee.channel_exec_request_function = { _, _, command, userdata in
            ChannelCallbacks.request(userdata, .exec(command: LibSSH.string(command))) ? 0 : 1
        }
        callbacks.pointee.channel_subsystem_request_function = { _, _, name, userdata in
            ChannelCallbacks.request(userdata, .subsystem(name: LibSSH.string(name))) ? 0 : 1
        }
        callbacks.pointee.channel_env_request_function = { _, _, name, value, userdata in
            ChannelCallbacks.request(userdata, .environment(name: LibSSH.string(name), value: LibSSH.string(value))) ? 0 : 1
        }
        callbacks.pointee.channel_pty_window_change_function = { _, _, width, height, pixelWidth, pixelHeight, userdata in
            let size = TerminalSize(columns: Int(width), rows: Int(height),
                                    pixelWidth: Int(pixelWidth), pixelHeight: Int(pixelHeight))
            _ = ChannelCallbacks.request(userdata, .windowChange(size))
            return 0
        }
        callbacks.pointee.channel_signal_function = { _, _, signal, userdata in
            _ = ChannelCallbacks.request(userdata, .signal(name: LibSSH.string(signal)))
        }
        // libssh answers auth-agent-req with success whenever this callback exists (it
        // has no return value); the gateway then refuses the session itself, so the
        // request is seen and audited instead of being silently dropped.
        callbacks.pointee.channel_auth_agent_req_function = { _, _, userdata in
            _ = ChannelCallbacks.request(userdata, .agentForwarding)
        }
    }
}
