import Dispatch
import Foundation

/// One line of progress on standard error, redrawn at most five times a second, for runs over
/// millions of rows (verify, exports, the benchmark). Silent unless standard error is a
/// terminal. Safe to update from several threads (the benchmark's writers).
final class ProgressMeter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let enabled: Bool
    private var lastDrawn: UInt64 = 0
    private var drewSomething = false

    init(_ label: String, enabled: Bool = Terminal.standardErrorIsTerminal) {
        self.label = label
        self.enabled = enabled
    }

    /// `done` of `total` (if known) units.
    func update(_ done: Int64, of total: Int64? = nil, stage: String? = nil) {
        guard enabled else { return }
        lock.withLock {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now - lastDrawn > 200_000_000 else { return }
            lastDrawn = now
            var line = "\r\(label)\(stage.map { " (\($0))" } ?? ""): \(done)"
            if let total, total > 0 {
                line += " of \(total) (\(min(100, done * 100 / total))%)"
            }
            FileHandleOutput.write(line + "\u{1B}[K", to: 2)
            drewSomething = true
        }
    }

    /// Clears the progress line so that the final output starts on a clean line.
    func finish() {
        guard enabled else { return }
        lock.withLock {
            if drewSomething { FileHandleOutput.write("\r\u{1B}[K", to: 2) }
            drewSomething = false
        }
    }
}
