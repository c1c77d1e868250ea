internal import GRDB

extension AuditError {
    /// Classifies a failure while writing to the database at `path`, so that the gateway
    /// (and the operator reading its refusal) learns the cause, not an SQLite code.
    static func writing(_ error: any Error, path: String) -> AuditError {
        if let error = error as? AuditError { return error }
        guard let error = error as? DatabaseError else {
            return .writeFailed(path: path, reason: String(describing: error))
        }
        switch error.resultCode {
        case .SQLITE_READONLY: return .readOnly(path: path)
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path)
        default: return .writeFailed(path: path, reason: error.message ?? error.description)
        }
    }

    /// Classifies a failure while reading.
    static func reading(_ error: any Error) -> AuditError {
        if let error = error as? AuditError { return error }
        if let error = error as? DatabaseError {
            return .queryFailed(reason: error.message ?? error.description)
        }
        return .queryFailed(reason: String(describing: error))
    }
}
