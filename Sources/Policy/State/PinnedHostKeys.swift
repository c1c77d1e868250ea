import Foundation

/// The gateway's own record of target host keys (`state_dir/known_hosts`), written by
/// `tracegate target trust`, one `TARGETNAME TYPE BASE64` line per target. It pins targets
/// whose configuration has no `host_key`.
package struct PinnedHostKeys: Hashable, Sendable {
    package var pins: [String: AuthorizedKey]

    package init(pins: [String: AuthorizedKey] = [:]) {
        self.pins = pins
    }

    package func pin(for target: String) -> AuthorizedKey? {
        pins[target]
    }

    /// A missing file is an empty pin set: a fresh install has trusted nothing yet.
    package static func load(path: String) throws(PinnedHostKeysError) -> PinnedHostKeys {
        guard FileManager.default.fileExists(atPath: path) else { return PinnedHostKeys() }
        let text: String
        do {
            text = try TextFile.read(atPath: path)
        } catch {
            throw PinnedHostKeysError(path: path, message: "cannot read: \(error)")
        }
        return try parse(text, path: path)
    }

    /// Two lines for one target would leave it to chance which key is trusted, so that is an
    /// error rather than "last one wins".
    package static func parse(_ text: String, path: String) throws(PinnedHostKeysError) -> PinnedHostKeys {
        var pins: [String: AuthorizedKey] = [:]
        var lines: [String: Int] = [:]
        for (number, raw) in TextFile.numberedLines(text) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let target = String(fields[0])
            guard NameSyntax.isValidName(target), fields.count == 2 else {
                throw PinnedHostKeysError(path: path, line: number, message: "expected TARGETNAME TYPE BASE64")
            }
            if let first = lines[target] {
                throw PinnedHostKeysError(path: path, line: number, message: "second pin for target \(target) (first on line \(first))")
            }
            do {
                pins[target] = try AuthorizedKey(line: String(fields[1]))
            } catch {
                throw PinnedHostKeysError(path: path, line: number, message: "invalid key for target \(target): \(error)")
            }
            lines[target] = number
        }
        return PinnedHostKeys(pins: pins)
    }

    /// Pins `key` for `target`, replacing any earlier pin for it and keeping every other line
    /// as it was. The file is rewritten atomically with mode 0600.
    package static func append(target: String, key: AuthorizedKey, to path: String) throws(PinnedHostKeysError) {
        guard NameSyntax.isValidName(target) else {
            throw PinnedHostKeysError(path: path, message: "invalid target name \(SafeText.quoted(target))")
        }
        var lines: [String] = []
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do {
                text = try TextFile.read(atPath: path)
            } catch {
                throw PinnedHostKeysError(path: path, message: "cannot read: \(error)")
            }
            lines = TextFile.numberedLines(text).map(\.text).filter { line in
                !line.isEmpty && line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) != target
            }
        }
        lines.append("\(target) \(key.algorithm) \(key.base64)")
        do {
            try AtomicFile.replaceContents(of: path, with: lines.joined(separator: "\n") + "\n", mode: 0o600)
        } catch {
            throw PinnedHostKeysError(path: path, message: error.message)
        }
    }
}
