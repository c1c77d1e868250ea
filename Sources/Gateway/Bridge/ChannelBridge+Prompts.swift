import Foundation
import SSH

/// What the gateway asks on the engineer's channel before a command may start: an owner's
/// approval to wait for, a ticket, a break-glass reason.
extension ChannelBridge {
    /// Holds `command` until `wait` is decided; its line goes out from `pump`.
    func awaitApproval(for command: SessionCommand, _ wait: ApprovalWait) {
        openApprovalID = wait.id
        state = .awaitingApproval(command, wait)
    }

    /// The command held for an approval, if this channel waits for one.
    var awaitedApproval: (SessionCommand, ApprovalWait)? {
        if case .awaitingApproval(let command, let wait) = state { return (command, wait) }
        return nil
    }

    /// The approval came: the command may start (the caller starts it).
    func resumeAfterApproval(_ approval: ApprovalBoard.InForce, line: String) {
        self.approval = approval
        state = .awaitingCommand
        writeLine(line)
    }

    /// Announces the wait once; a closed channel or Ctrl-C on a terminal withdraws it. Without
    /// a terminal the client's EOF only ends its input (`ssh host cmd </dev/null`): the command
    /// gets it once it runs.
    func watchWhileWaiting(_ wait: ApprovalWait) {
        if !wait.announced {
            wait.announced = true
            writeLine(wait.announcement)
        }
        if client.receivedClose { wait.withdrawn = true }
        if terminal != nil, readTyped().contains(0x03) { wait.withdrawn = true }
    }

    func askForTicket(for command: SessionCommand, prompt: String) {
        state = .askingTicket(command, LineEditor(echoes: true))
        write(prompt, stderr: false)
    }

    /// Offers break-glass on the terminal; `refusal` stands when no reason is typed.
    func askForBreakGlassReason(for command: SessionCommand, prompt: String, otherwise refusal: Refusal) {
        state = .askingReason(command, LineEditor(echoes: true), refusal)
        write(prompt, stderr: false)
    }

    func takeEnteredReason() -> (SessionCommand, String)? {
        defer { enteredReason = nil }
        return enteredReason
    }

    func readReason(for command: SessionCommand, with editor: LineEditor, otherwise refusal: Refusal) {
        switch readLine(with: editor, accepting: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
        case .entered(let reason, _):
            state = .awaitingCommand
            enteredReason = (command, reason)
        case .cancelled:
            refuse(refusal)
        case .typing(let editor):
            state = .askingReason(command, editor, refusal)
        }
    }

    func takeEnteredTicket() -> (SessionCommand, String)? {
        defer { enteredTicket = nil }
        return enteredTicket
    }

    func readTicket(for command: SessionCommand, with editor: LineEditor) {
        switch readLine(with: editor, accepting: { !$0.isEmpty }) {
        case .entered(let ticket, let typedAfter):
            state = .awaitingCommand
            enteredTicket = (command, ticket)
            // Typed ahead (or pasted with the ticket): the command's input, not lost.
            typedAfterTicket = typedAfter
        case .cancelled:
            refuse(.denied(.ticketRequired))
        case .typing(let editor):
            state = .askingTicket(command, editor)
        }
    }

    /// Feeds what the engineer typed to a gateway prompt's line editor, echoing it.
    func readLine(with editor: LineEditor, accepting accepts: (String) -> Bool) -> PromptLine {
        PromptLine.read(readTyped(), with: editor, accepting: accepts, echo: { write($0, stderr: false) },
                        inputEnded: { client.receivedEOF || client.receivedClose })
    }
}
