import Foundation
import Policy

/// The gateway's own small read-only shell, for a user name that names no target
/// (`ssh -p 2222 gateway`): who am I, what may I reach and how, my recent sessions.
/// It only ever prints; nothing typed here reaches a shell of the gateway host.
final class GatewayShell {
    private let commands: GatewayShellCommands
    private let interactive: Bool
    private let oneShot: String?
    private var editor: LineEditor
    private(set) var exitStatus: Int?

    private static let prompt = "tracegate> "

    init(context: ConnectionContext, settings: GatewaySettings, command: SessionCommand, interactive: Bool,
         recentSessions: @escaping () -> [String], web: WebSignInCommand? = nil) {
        commands = GatewayShellCommands(context: context, settings: settings, recentSessions: recentSessions, web: web)
        self.interactive = interactive
        editor = LineEditor(echoes: interactive)
        switch command {
        case .shell: oneShot = nil
        case .exec(let text): oneShot = text
        case .subsystem(let name): oneShot = "subsystem \(name)"
        }
    }

    /// What the engineer sees first; for a one-shot command, its whole answer.
    func start() -> String {
        if let oneShot {
            let (text, status) = commands.run(oneShot)
            exitStatus = status
            return newlines(text)
        }
        return newlines(commands.banner) + Self.prompt
    }

    /// Typed bytes in, what to show back out.
    func input(_ bytes: [UInt8]) -> String {
        var output = ""
        for byte in bytes where exitStatus == nil {
            let (echo, event) = editor.feed(byte)
            output += echo
            switch event {
            case .line(let text): output += execute(text)
            case .interrupt: output += interactive ? Self.prompt : ""
            case .endOfInput: exitStatus = 0
            case nil: break
            }
        }
        return output
    }

    func endOfInput() {
        exitStatus = exitStatus ?? 0
    }

    private func execute(_ text: String) -> String {
        let words = text.split(separator: " ").map(String.init)
        if ["exit", "quit", "logout"].contains(words.first ?? "") {
            exitStatus = 0
            return ""
        }
        let (answer, _) = commands.run(text)
        return newlines(answer) + Self.prompt
    }

    /// The engineer's terminal is raw: every line feed needs its carriage return.
    private func newlines(_ text: String) -> String {
        interactive ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
    }
}
