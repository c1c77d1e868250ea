internal import CLibSSH
import Foundation

/// C trampolines for the server session: each turns a libssh callback into a
/// `ServerEvent` and the delegate's reply into libssh's return convention.
enum ServerCallbacks {
    static func session(_ userdata: UnsafeMutableRawPointer?) -> ServerSession {
        Unmanaged<ServerSession>.fromOpaque(userdata!).takeUnretainedValue()
    }

    static func install(into callbacks: UnsafeMutablePointer<ssh_server_callbacks_struct>) {
        callbacks.pointee.auth_pubkey_function = { _, user, key, signatureState, userdata in
            let session = ServerCallbacks.session(userdata)
            let username = LibSSH.string(user)
            guard let key, let publicKey = try? PublicKey(borrowing: key) else {
                return Int32(SSH_AUTH_DENIED.rawValue)
            }
            switch Int32(signatureState) {
            case Int32(SSH_PUBLICKEY_STATE_NONE.rawValue):
                // A probe: SUCCESS here only sends PK_OK, asking the client to sign.
                let reply = session.deliver(.publicKeyOffered(username: username, key: publicKey))
                return reply == .accept ? Int32(SSH_AUTH_SUCCESS.rawValue) : Int32(SSH_AUTH_DENIED.rawValue)
            case Int32(SSH_PUBLICKEY_STATE_VALID.rawValue):
                switch session.deliver(.publicKeyVerified(username: username, key: publicKey)) {
                case .accept: return Int32(SSH_AUTH_SUCCESS.rawValue)
                case .partial:
                    // The partial-success reply lists the methods that can continue: only this one.
                    ssh_set_auth_methods(session.handle, Int32(SSH_AUTH_METHOD_INTERACTIVE))
                    return Int32(SSH_AUTH_PARTIAL.rawValue)
                case .deny, .prompt: return Int32(SSH_AUTH_DENIED.rawValue)
                }
            default:
                // SSH_PUBLICKEY_STATE_WRONG or anything unexpected: never authenticate.
                _ = session.deliver(.otherAuthenticationAttempt(username: username, method: "publickey-bad-signature"))
                return Int32(SSH_AUTH_DENIED.rawValue)
            }
        }
        callbacks.pointee.channel_open_request_session_function = { _, userdata in
            let session = ServerCallbacks.session(userdata)
            guard let channel = session.makeChannel() else { return nil }
            if session.deliver(.sessionChannelRequested(channel)) == .accept {
                return channel.handle
            }
            session.release(channel)
            return nil
        }
    }

    /// Everything the server callbacks do not cover reaches this message callback.
    /// Returning 1 lets libssh send its default reply, which is always a refusal.
    static let messageCallback: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = {
        _, message, userdata in
        guard let message else { return 1 }
        let session = ServerCallbacks.session(userdata)
        let type = ssh_message_type(message)
        let subtype = ssh_message_subtype(message)
        switch type {
        case Int32(SSH_REQUEST_AUTH.rawValue) where subtype == Int32(SSH_AUTH_METHOD_INTERACTIVE) && session.secondFactorPending:
            return keyboardInteractive(message, session: session)
        case Int32(SSH_REQUEST_AUTH.rawValue):
            let username = LibSSH.string(ssh_message_auth_user(message))
            _ = session.deliver(.otherAuthenticationAttempt(username: username, method: authMethodName(subtype)))
        case Int32(SSH_REQUEST_CHANNEL_OPEN.rawValue) where subtype == Int32(SSH_CHANNEL_DIRECT_TCPIP.rawValue):
            let request = ForwardingRequest(
                destinationHost: LibSSH.string(ssh_message_channel_request_open_destination(message)),
                destinationPort: Int(ssh_message_channel_request_open_destination_port(message)),
                originatorHost: LibSSH.string(ssh_message_channel_request_open_originator(message)),
                originatorPort: Int(ssh_message_channel_request_open_originator_port(message)))
            guard session.deliver(.forwardingChannelRequested(request)) == .accept,
                  let raw = ssh_message_channel_request_open_reply_accept(message) else { return 1 }
            let channel = session.adopt(raw)
            _ = session.deliver(.forwardingChannelOpened(channel, request))
            return 0
        case Int32(SSH_REQUEST_CHANNEL_OPEN.rawValue) where subtype != Int32(SSH_CHANNEL_SESSION.rawValue):
            _ = session.deliver(.unsupportedChannelRequested(type: channelTypeName(subtype)))
        case Int32(SSH_REQUEST_CHANNEL.rawValue) where subtype == Int32(SSH_CHANNEL_REQUEST_X11.rawValue):
            if let channel = session.channel(for: ssh_message_channel_request_channel(message)) {
                _ = session.deliver(.channelRequest(channel, .x11Forwarding))
            }
        case Int32(SSH_REQUEST_GLOBAL.rawValue) where subtype == Int32(SSH_GLOBAL_REQUEST_TCPIP_FORWARD.rawValue):
            _ = session.deliver(.remoteForwardingRequested(
                address: LibSSH.string(ssh_message_global_request_address(message)),
                port: Int(ssh_message_global_request_port(message))))
        default:
            break
        }
        return 1
    }

    /// keyboard-interactive, the second factor after the key: a first request (the delegate
    /// answers with its prompt) or the answers to our prompt. Returns 0 when a reply was sent
    /// here, 1 to let libssh send its default (a failure listing the methods that can continue).
    private static func keyboardInteractive(_ message: OpaquePointer, session: ServerSession) -> Int32 {
        let username = LibSSH.string(ssh_message_auth_user(message))
        let reply: ServerReply
        if ssh_message_auth_kbdint_is_response(message) != 0 {
            let count = max(0, Int(ssh_userauth_kbdint_getnanswers(session.handle)))
            let answers = (0..<min(count, 4)).map { LibSSH.string(ssh_userauth_kbdint_getanswer(session.handle, UInt32($0))) }
            reply = session.deliver(.keyboardInteractiveAnswered(username: username, answers: answers))
        } else {
            reply = session.deliver(.keyboardInteractiveStarted(username: username))
        }
        switch reply {
        case .accept:
            session.secondFactorPending = false
            ssh_message_auth_reply_success(message, 0)
            return 0
        case .prompt(let prompt):
            let promptText = strdup(prompt.prompt)
            defer { free(promptText) }
            var prompts: [UnsafePointer<CChar>?] = [UnsafePointer(promptText)]
            var echo = CChar(prompt.echo ? 1 : 0)
            ssh_message_auth_interactive_request(message, prompt.name, prompt.instruction, 1, &prompts, &echo)
            return 0
        case .deny, .partial:
            return 1
        }
    }

    private static func channelTypeName(_ subtype: Int32) -> String {
        switch subtype {
        case Int32(SSH_CHANNEL_X11.rawValue): "x11"
        case Int32(SSH_CHANNEL_FORWARDED_TCPIP.rawValue): "forwarded-tcpip"
        case Int32(SSH_CHANNEL_AUTH_AGENT.rawValue): "auth-agent"
        default: "unknown"
        }
    }

    private static func authMethodName(_ subtype: Int32) -> String {
        switch subtype {
        case Int32(SSH_AUTH_METHOD_NONE): "none"
        case Int32(SSH_AUTH_METHOD_PASSWORD): "password"
        case Int32(SSH_AUTH_METHOD_PUBLICKEY): "publickey"
        case Int32(SSH_AUTH_METHOD_HOSTBASED): "hostbased"
        case Int32(SSH_AUTH_METHOD_INTERACTIVE): "keyboard-interactive"
        case Int32(SSH_AUTH_METHOD_GSSAPI_MIC): "gssapi-with-mic"
        default: "unknown"
        }
    }
}
