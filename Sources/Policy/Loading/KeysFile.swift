import Foundation

/// An `authorized_keys`-style file referenced by `keys_file`: one key per line, with blank
/// lines and `#` comments allowed.
enum KeysFile {
    struct Line {
        var number: Int
        var text: String
    }

    static func keyLines(atPath path: String) throws(TextFile.ReadError) -> [Line] {
        TextFile.numberedLines(try TextFile.read(atPath: path)).compactMap { number, raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            return Line(number: number, text: line)
        }
    }

    /// Relative paths resolve against the current directory, as every path in the file does;
    /// saying where that led saves a round of guessing when the file is not found.
    static func describe(_ path: String) -> String {
        let quoted = SafeText.quoted(path, limit: 200)
        guard !path.hasPrefix("/") else { return quoted }
        let resolved = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path).path
        return "\(quoted) (resolved to \(SafeText.quoted(resolved, limit: 200)))"
    }
}
