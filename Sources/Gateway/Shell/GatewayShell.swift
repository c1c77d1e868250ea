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
    /// A command waiting for the next line (`mfa enroll`'s code).
    private var dialog: (any ShellDialog)?
    private(set) var exitStatus: Int?

    private static let prompt = "tracegate> "

    init(context: ConnectionContext, settings: GatewaySettings, command: SessionCommand, interactive: Bool,
         recentSessions: @escaping () -> [String], secondFactor: SecondFactorShell? = nil,
         consent: ConsentShell? = nil) {
        commands = GatewayShellCommands(context: context, settings: settings, recentSessions: recentSessions,
                                        secondFactor: secondFactor, consent: consent)
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
            switch commands.start(oneShot) {
            case .done(let text, let status):
                exitStatus = status
                return newlines(text)
            case .asks(let text, let dialog):
                self.dialog = dialog
                return newlines(text)
            }
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
            case .line(let text) where dialog != nil: output += answer(text)
            case .line(let text): output += execute(text)
            case .interrupt where dialog != nil:
                // Ctrl-C at a question (mfa enroll's code) abandons the command; nothing is stored.
                dialog = nil
                if oneShot != nil { exitStatus = 130 } else { output += Self.prompt }
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
        switch commands.start(text) {
        case .done(let answer, _):
            return newlines(answer) + Self.prompt
        case .asks(let question, let dialog):
            self.dialog = dialog
            return newlines(question)
        }
    }

    /// The line a command asked for; a one-shot command then ends with its status.
    private func answer(_ text: String) -> String {
        guard let dialog else { return "" }
        self.dialog = nil
        let (reply, status) = dialog.answer(text)
        if oneShot != nil {
            exitStatus = status
            return newlines(reply)
        }
        return newlines(reply) + Self.prompt
    }

    /// The engineer's terminal is raw: every line feed needs its carriage return.
    private func newlines(_ text: String) -> String {
        interactive ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
    }
}
