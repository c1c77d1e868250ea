import Audit
import FileLedger
import Logging

extension ConnectionJournal {
    /// What the ledger thread calls for a session's entries. Built on the connection's thread:
    /// it captures the context as it is then, because the ledger thread must not read the
    /// connection's state.
    func fileLedgerHandlers(_ context: ConnectionContext, sessionID: String) -> FileLedgerHandlers {
        let auditContext = context.auditContext
        let metadata = context.logMetadata.merging(["tg.session": "\(sessionID)"]) { $1 }
        let connectionID = context.id
        return FileLedgerHandlers(
            entries: { [audit, logger] entries in
                var lines: [String] = []
                for entry in entries {
                    audit.record(.fileTransfer(auditContext, sessionID: sessionID, record: entry.auditRecord))
                    lines.append(([entry.operation.rawValue, entry.path] + (entry.secondPath.map { [$0] } ?? []))
                        .joined(separator: " "))
                    var extra: Logger.Metadata = [
                        "tg.operation": "\(entry.operation.rawValue)", "tg.path": "\(entry.path)",
                        "tg.bytes": "\(entry.bytes)", "tg.integrity": "\(entry.integrity.rawValue)",
                        "tg.status": "\(entry.status)",
                    ]
                    if let sha256 = entry.sha256 { extra["tg.sha256"] = "\(sha256)" }
                    logger.info("file", metadata: metadata.merging(extra) { $1 })
                }
                audit.indexText(SessionTextLines(sessionID: sessionID, connectionID: connectionID, source: .file,
                                                 lines: lines))
            },
            stopped: { [audit, logger] integrity, note in
                audit.record(.fileLedgerStop(auditContext, sessionID: sessionID, integrity: integrity.rawValue, reason: note))
                logger.notice("file ledger stopped", metadata: metadata.merging(
                    ["tg.integrity": "\(integrity.rawValue)", "tg.reason": "\(note)"]) { $1 })
            })
    }

    /// A grant's file rule refused an open or an scp: in the ledger (status `denied`) and the trail.
    func fileRefused(_ context: ConnectionContext, sessionID: String, entry: FileLedgerEntry) {
        audit.record(.fileTransfer(context.auditContext, sessionID: sessionID, record: entry.auditRecord))
        audit.indexText(SessionTextLines(sessionID: sessionID, connectionID: context.id, source: .file,
                                         lines: ["\(entry.operation.rawValue) \(entry.path) denied"]))
        logger.notice("file refused", metadata: context.logMetadata.merging(
            ["tg.session": "\(sessionID)", "tg.path": "\(entry.path)", "tg.operation": "\(entry.operation.rawValue)",
             "tg.reason": "\(entry.note ?? "")"]) { $1 })
    }
}

extension FileLedgerEntry {
    var auditRecord: FileTransferRecord {
        FileTransferRecord(
            protocolName: protocolName.rawValue, operation: operation.rawValue, direction: direction, path: path,
            secondPath: secondPath, resolvedPath: resolvedPath, bytes: bytes,
            ranges: ranges.isEmpty ? nil : rangesText, sha256: sha256, integrity: integrity.rawValue, status: status,
            note: note, startedAt: AuditTimestamp(secondsSinceEpoch: startedAt),
            endedAt: AuditTimestamp(secondsSinceEpoch: endedAt))
    }
}
