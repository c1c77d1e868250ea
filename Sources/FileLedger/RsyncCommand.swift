/// `rsync --server [--sender] … . PATH…` as an rsync client runs it on the remote side: with
/// `--sender` the target sends (a download), without it receives (an upload). rsync's own
/// protocol is not followed by the ledger; this is only for a grant's file rules.
package struct RsyncCommand: Sendable, Hashable {
    package var direction: FileLedgerEntry.Operation
    /// The first remote path named (rsync may name several; each is judged by the caller via `paths`).
    package var path: String
    package var paths: [String]

    package init?(_ command: String) {
        guard command.utf8.count <= 65536, let words = ScpCommand.words(command), let program = words.first,
              program == "rsync" || program.hasSuffix("/rsync"), words.contains("--server") else { return nil }
        direction = words.contains("--sender") ? .download : .upload
        // After the options comes ".", then the paths.
        guard let dot = words.firstIndex(of: "."), dot + 1 < words.count else { return nil }
        paths = Array(words[(dot + 1)...])
        path = paths[0]
    }
}
