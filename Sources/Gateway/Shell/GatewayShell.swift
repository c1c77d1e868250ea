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
    /// A `watch` that takes over the channel, taken once by the bridge.
    private var watch: WatchSession?

    private static let prompt = "tracegate> "

    init(context: ConnectionContext, settings: GatewaySettings, command: SessionCommand, interactive: Bool,
         recentSessions: @escaping () -> [String], secondFactor: SecondFactorShell? = nil,
         consent: ConsentShell? = nil, oversight: OversightDesk? = nil,
         web: WebSignInCommand? = nil) {
        commands = GatewayShellCommands(context: context, settings: settings, recentSessions: recentSessions,
                                        secondFactor: secondFactor, consent: consent, oversight: oversight,
                                        web: web)
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
            if let answer = startWatch(oneShot) { return newlines(answer) }
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
        if let answer = startWatch(text) { return newlines(answer) + (watch == nil ? Self.prompt : "") }
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

    /// The bridge takes the watch (once) and follows it instead of the shell.
    func takeWatch() -> WatchSession? {
        defer { watch = nil }
        return watch
    }

    /// `watch SESSION`: nil when the line is no watch; otherwise the refusal, or "" once the
    /// watch is ready for the bridge. One-shot: the refusal ends the shell with status 1.
    private func startWatch(_ line: String) -> String? {
        let words = line.split(separator: " ").map(String.init)
        guard words.first == "watch" else { return nil }
        if let refusal = commands.secondFactorRefusal(for: "watch") {
            if oneShot != nil { exitStatus = 1 }
            return refusal
        }
        let refusal: String
        switch OversightCommandLine.parse(words) {
        case .success(.watch(let id))?:
            guard let desk = commands.oversight, let control = desk.caller.control else {
                refusal = "tracegate: oversight is not available here\n"
                break
            }
            do {
                let found = try desk.watchable(id)
                watch = WatchSession(desk: desk, session: found.session, feed: found.feed, rule: found.rule,
                                     mayTerminate: found.mayTerminate, interactive: interactive, control: control)
                return ""
            } catch {
                refusal = error.message + "\n"
            }
        case .failure(let error)?:
            refusal = "tracegate: \(error.message)\n"
        default:
            refusal = "tracegate: usage: watch SESSION\n"
        }
        if oneShot != nil { exitStatus = 1 }
        return refusal
    }

    /// The engineer's terminal is raw: every line feed needs its carriage return.
    private func newlines(_ text: String) -> String {
        interactive ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
    }
}
