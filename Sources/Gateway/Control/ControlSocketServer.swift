import Audit
import Foundation
import Policy
import Logging

/// `state_dir/control.sock` (0600): the operator on the gateway host reaches the running
/// gateway's oversight through it (`tracegate live|watch|terminate|lock|unlock|locks`),
/// never by editing its database behind its back. Each request is one line, a JSON array
/// of the command's words (parsed like the gateway shell's); the answer is a status line
/// (`0` or `1`) and the text, or for `watch` the session's output until it ends or the
/// client goes. Root on the host can stop the process anyway: the operator has every
/// right, and every act is audited under the Unix account that asked.
final class ControlSocketServer: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let runtime: GatewayRuntime
    private let logger: Logger
    private let stopped = ShutdownSignal()

    static func path(stateDirectory: String) -> String {
        (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + "control.sock"
    }

    init(stateDirectory: String, runtime: GatewayRuntime, logger: Logger) throws {
        path = Self.path(stateDirectory: stateDirectory)
        descriptor = try UnixSocket.listen(at: path)
        self.runtime = runtime
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            Thread.current.name = "tg-control"
            acceptLoop()
        }
        thread.start()
    }

    func stop() {
        stopped.request()
        unlink(path)
    }

    private func acceptLoop() {
        while !stopped.isRequested {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 250) > 0 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let thread = Thread { [self] in
                Thread.current.name = "tg-control-cli"
                serve(client)
                close(client)
            }
            thread.start()
        }
        close(descriptor)
    }

    private func serve(_ client: Int32) {
        let uid = UnixSocket.peerUID(client)
        // The file's mode admits only the gateway's own account and root; say so to anyone else.
        guard let uid, uid == 0 || uid == getuid() else {
            _ = UnixSocket.writeAll(client, Array("1\ntracegate: only root or the gateway's own account may use the control socket\n".utf8))
            return
        }
        guard let line = UnixSocket.readLine(client),
              let words = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String] else {
            _ = UnixSocket.writeAll(client, Array("1\ntracegate: malformed request\n".utf8))
            return
        }
        let account = Self.accountName(uid)
        let caller = OversightCaller(
            identity: .hostOperator("\(account)@\(ProcessInfo.processInfo.hostName)"),
            audit: AuditContext(connectionID: AuditIdentifier.make(prefix: "k-"), sourceAddress: "control.sock",
                                user: "\(account)@\(ProcessInfo.processInfo.hostName)"),
            control: nil)
        let desk = OversightDesk(runtime: runtime, caller: caller)
        logger.info("control request", metadata: ["tg.uid": "\(uid)", "tg.command": "\(words.first ?? "")"])
        switch OversightCommandLine.parse(words) {
        case nil:
            _ = UnixSocket.writeAll(client, Array("1\ntracegate: unknown command; expected live, watch, terminate, lock, unlock or locks\n".utf8))
        case .failure(let error)?:
            _ = UnixSocket.writeAll(client, Array("1\ntracegate: \(error.message)\n".utf8))
        case .success(.watch(let id))?:
            ControlWatch(desk: desk, client: client).run(id)
        case .success(let command)?:
            let (text, status) = OversightShellAnswers(desk: desk).run(command)
            _ = UnixSocket.writeAll(client, Array("\(status)\n\(text)".utf8))
        }
    }

    private static func accountName(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }
}
