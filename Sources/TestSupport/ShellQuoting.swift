/// POSIX shell quoting, for log lines that can be pasted into a terminal and for the few
/// places where a command line crosses a shell (rsync's `-e`, remote commands).
package enum ShellQuoting {
    package static func quote(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
