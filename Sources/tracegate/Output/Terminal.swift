import Glibc

/// Whether a standard stream is a terminal: progress is drawn only for a person watching,
/// never into a file or a pipe a script reads.
enum Terminal {
    static var standardOutputIsTerminal: Bool { isatty(1) == 1 }
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
}
