/// A line typed at one of the gateway's prompts on the engineer's terminal (a ticket, a
/// break-glass reason), as far as the bytes read so far go.
enum PromptLine {
    /// The line, and what was typed after it in the same read.
    case entered(String, typedAfter: [UInt8])
    /// An unacceptable line, Ctrl-C, or the end of the engineer's input.
    case cancelled
    /// Still being typed: the editor so far.
    case typing(LineEditor)

    /// Feeds `typed` to `editor`, echoing each byte; `inputEnded` is asked once the bytes
    /// are used up (reading them may have brought the client's EOF).
    static func read(_ typed: [UInt8], with editor: LineEditor, accepting accepts: (String) -> Bool,
                     echo: (String) -> Void, inputEnded: () -> Bool) -> PromptLine {
        var editor = editor
        for (index, byte) in typed.enumerated() {
            let (echoed, event) = editor.feed(byte)
            echo(echoed)
            switch event {
            case .line(let text) where accepts(text): return .entered(text, typedAfter: Array(typed[(index + 1)...]))
            case .line, .interrupt, .endOfInput: return .cancelled
            case nil: break
            }
        }
        return inputEnded() ? .cancelled : .typing(editor)
    }
}
