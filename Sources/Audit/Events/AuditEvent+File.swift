/// One entry of the file-transfer ledger as the trail stores it (the gateway's ledger
/// produces them; Audit knows nothing of SFTP or scp).
package struct FileTransferRecord: Sendable, Hashable {
    package var protocolName: String
    package var operation: String
    package var direction: String?
    package var path: String
    package var secondPath: String?
    package var resolvedPath: String?
    package var bytes: Int64
    package var ranges: String?
    package var sha256: String?
    package var integrity: String
    package var status: String
    package var note: String?
    package var startedAt: AuditTimestamp?
    package var endedAt: AuditTimestamp?

    package init(protocolName: String, operation: String, direction: String?, path: String, secondPath: String? = nil,
                 resolvedPath: String? = nil, bytes: Int64 = 0, ranges: String? = nil, sha256: String? = nil,
                 integrity: String, status: String, note: String? = nil, startedAt: AuditTimestamp? = nil,
                 endedAt: AuditTimestamp? = nil) {
        self.protocolName = protocolName
        self.operation = operation
        self.direction = direction
        self.path = path
        self.secondPath = secondPath
        self.resolvedPath = resolvedPath
        self.bytes = bytes
        self.ranges = ranges
        self.sha256 = sha256
        self.integrity = integrity
        self.status = status
        self.note = note
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// `ok`, `denied` (a grant's file rule), or `failed` (the target refused or the file
    /// did not finish).
    var result: String {
        if status == "ok" { return "ok" }
        return status == "denied" ? "denied" : "failed"
    }
}

extension AuditEvent {
    /// `file.transfer`: one ledger entry. Its details carry every column of `file_transfers`.
    package static func fileTransfer(_ context: AuditContext, sessionID: String, record: FileTransferRecord) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.fileProtocol: .string(record.protocolName),
            AuditDetailKey.fileOperation: .string(record.operation),
            AuditDetailKey.filePath: .string(record.path),
            AuditDetailKey.fileBytes: .integer(record.bytes),
            AuditDetailKey.fileIntegrity: .string(record.integrity),
            AuditDetailKey.fileStatus: .string(record.status),
        ]
        if let direction = record.direction { details[AuditDetailKey.fileDirection] = .string(direction) }
        if let second = record.secondPath { details[AuditDetailKey.fileSecondPath] = .string(second) }
        if let resolved = record.resolvedPath { details[AuditDetailKey.fileResolvedPath] = .string(resolved) }
        if let ranges = record.ranges, !ranges.isEmpty { details[AuditDetailKey.fileRanges] = .string(ranges) }
        if let sha256 = record.sha256 { details[AuditDetailKey.fileSHA256] = .string(sha256) }
        if let started = record.startedAt { details[AuditDetailKey.fileStartedAt] = .string(started.iso8601) }
        if let ended = record.endedAt { details[AuditDetailKey.fileEndedAt] = .string(ended.iso8601) }
        return AuditEvent(.fileTransfer, context: context, sessionID: sessionID, result: record.result,
                          reason: record.note, details: details)
    }

    /// `file.ledger_stop`: the ledger stopped following a session's transfers (a stream it
    /// could not parse, or its queue overflowed); the transfer itself went on untouched.
    package static func fileLedgerStop(_ context: AuditContext, sessionID: String, integrity: String,
                                       reason: String) -> AuditEvent {
        AuditEvent(.fileLedgerStop, context: context, sessionID: sessionID, result: integrity, reason: reason,
                   details: [AuditDetailKey.fileIntegrity: .string(integrity)])
    }
}
