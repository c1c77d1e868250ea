import Testing
import TestSupport

/// Scripts for an interactive `ssh -tt` session on a real pty. Every marker is computed
/// by the remote shell (`$((6*7))`), so the typed command (echoed) and its output differ
/// and an `expect` can only be satisfied by the shell actually running it.
enum InteractiveScenarios {
    static let initialRows = 30
    static let initialColumns = 100

    /// Runs `steps` in `ssh -tt` against `client` on a pty of the initial size.
    static func shell(_ client: OpenSSHClient, _ steps: [TerminalStep], exitTimeout: Double = 15) async throws -> TerminalTranscript {
        try await PseudoTerminal.run(
            "ssh",
            client.sshArguments(options: ["-tt"]),
            rows: initialRows,
            columns: initialColumns,
            steps: steps,
            exitTimeout: exitTimeout
        )
    }

    /// Waits for the shell to be ready to take input.
    static let ready: [TerminalStep] = [
        .send("echo READY$((40+2))\r"),
        .expect("READY42", timeout: 15),
    ]

    static let echo: [TerminalStep] = [
        .send("echo typed-$((1+1))-back\r"),
        .expect("typed-$((1+1))-back"),  // the terminal echoing what was typed
        .expect("typed-2-back"),  // the shell's output
    ]

    static func size(rows: Int, columns: Int) -> [TerminalStep] {
        [
            .send("echo SIZE$(stty size | tr ' ' x)Z\r"),
            .expect("SIZE\(rows)x\(columns)Z"),
        ]
    }

    static let resize: [TerminalStep] = [.resize(rows: 40, columns: 120), .pause(1.0)] + size(rows: 40, columns: 120)

    /// Ctrl-C must reach the remote pty and stop `sleep 30` long before it ends. The
    /// index of the `expect` step whose duration measures that is `interruptStepIndex`.
    static let interrupt: [TerminalStep] = [
        .send("sleep 30; echo NOT-$((1))-INTERRUPTED\r"),
        .pause(1.0),
        .send("\u{03}"),
        .pause(0.3),
        .send("echo BACK$((3+4))\r"),
        .expect("BACK7", timeout: 5),
    ]
    static let interruptedMarker = "NOT-1-INTERRUPTED"

    static func exit(_ status: Int) -> [TerminalStep] {
        [.send("exit \(status)\r")]
    }
}
