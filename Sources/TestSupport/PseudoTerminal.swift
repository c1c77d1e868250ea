import Foundation

/// One thing to do to an interactive session, in order.
package enum TerminalStep: Sendable {
    /// Types `text` (use "\u{03}" for Ctrl-C, "\r" for Enter).
    case send(String)
    /// Waits until `text` appears in the output after the previous match.
    case expect(String, timeout: Double = 10)
    /// Changes the local terminal size, as a resized window does (SIGWINCH to ssh).
    case resize(rows: Int, columns: Int)
    /// Lets time pass while collecting output.
    case pause(Double)

    var json: [String: Any] {
        switch self {
        case .send(let text): return ["kind": "send", "text": text]
        case .expect(let text, let timeout): return ["kind": "expect", "text": text, "timeout": timeout]
        case .resize(let rows, let columns): return ["kind": "resize", "rows": rows, "columns": columns]
        case .pause(let seconds): return ["kind": "pause", "seconds": seconds]
        }
    }
}

/// What an interactive session showed and how it ended.
package struct TerminalTranscript: Sendable, CustomStringConvertible {
    /// Everything the terminal displayed, escape sequences included.
    package let output: String
    /// Nil when the driver had to kill the program.
    package let termination: Termination?
    /// Seconds each step took; an `expect` step's time is how long the output took.
    package let stepSeconds: [Double]
    /// The first step that failed, or nil when every step succeeded.
    package let failure: String?

    package var description: String {
        "termination: \(termination.map(String.init(describing:)) ?? "killed by the driver")\n"
            + "failure: \(failure ?? "none")\nstep seconds: \(stepSeconds.map { String(format: "%.2f", $0) })\n"
            + "terminal output:\n\(output)"
    }
}

/// Runs a program on a real pseudo-terminal (via python3's `pty`), as an engineer at a
/// terminal would: with a window size, typed input and resizes.
package enum PseudoTerminal {
    package static func run(
        _ executable: String,
        _ arguments: [String],
        rows: Int = 30,
        columns: Int = 100,
        steps: [TerminalStep],
        environment: [String: String] = OpenSSHClient.environment(adding: ["TERM": "xterm"]),
        exitTimeout: Double = 15
    ) async throws -> TerminalTranscript {
        let scratch = try TemporaryDirectory(prefix: "tracegate-pty")
        let scriptPath = try scratch.write(TerminalDriverScript.source, to: "driver.py")
        let spec: [String: Any] = [
            "argv": [try ExecutableLocator.find(executable)] + arguments,
            "env": environment,
            "rows": rows,
            "columns": columns,
            "steps": steps.map(\.json),
            "exit_timeout": exitTimeout,
        ]
        let specPath = scratch.file("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let stepBudget = steps.reduce(0.0) { total, step in
            switch step {
            case .expect(_, let timeout): return total + timeout
            case .pause(let seconds): return total + seconds
            case .send, .resize: return total
            }
        }
        let result = try await ProcessRunner().run(
            "python3", [scriptPath, specPath], timeout: .seconds(Int(stepBudget + exitTimeout) + 30)
        ).checked("pty driver")
        guard let report = try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any] else {
            throw TestSupportError.unexpectedOutput("pty driver printed \(result.stdout)")
        }
        let termination: Termination?
        if report["killed"] as? Bool == true {
            termination = nil
        } else if let code = report["exit"] as? Int {
            termination = .exited(Int32(code))
        } else if let signal = report["signal"] as? Int {
            termination = .signalled(Int32(signal))
        } else {
            termination = nil
        }
        return TerminalTranscript(
            output: report["output"] as? String ?? "",
            termination: termination,
            stepSeconds: (report["timings"] as? [Double]) ?? [],
            failure: report["failure"] as? String
        )
    }
}
