/// A protocol follower: sees both directions of one session in relay order, produces entries.
package protocol FileLedgerParser: Sendable {
    mutating func client(_ bytes: UnsafeRawBufferPointer, at time: Double)
    mutating func server(_ bytes: UnsafeRawBufferPointer, at time: Double)
    /// Bytes were dropped before reaching the parser: it cannot follow the stream any more.
    mutating func skipped(at time: Double)
    /// The session ended: what is still open becomes entries.
    mutating func finish(at time: Double)
    mutating func takeEntries() -> [FileLedgerEntry]
    /// Why the parser stopped following the stream, once it did.
    var stopped: (integrity: FileLedgerEntry.Integrity, note: String)? { get }
}

extension SFTPLedger: FileLedgerParser {}
extension ScpLedger: FileLedgerParser {}

/// The parser for a session, or nil when it moves no files the ledger can follow (a shell,
/// rsync, any other command).
package func fileLedgerParser(subsystem: String?, command: String?) -> (any FileLedgerParser)? {
    if subsystem == "sftp" { return SFTPLedger() }
    if let command, let scp = ScpCommand(command) { return ScpLedger(command: scp) }
    return nil
}
