/// Constructors for the kinds that belong to no client connection.
extension AuditEvent {
    /// `gateway.start`, with the chain head at start so that the other organisation can keep
    /// a copy of it from the log (issue 3, item 5).
    package static func gatewayStart(listen: String, version: String?, headHash: String?) -> AuditEvent {
        AuditEvent(kind: .gatewayStart, details: [
            AuditDetailKey.listenAddress: .string(listen),
            AuditDetailKey.version: AuditValue(version),
            AuditDetailKey.headHash: AuditValue(headHash),
        ])
    }

    /// `gateway.stop`; `reason` is e.g. `shutdown` or `signal`.
    package static func gatewayStop(reason: String, headHash: String?) -> AuditEvent {
        AuditEvent(kind: .gatewayStop, reason: reason, details: [AuditDetailKey.headHash: AuditValue(headHash)])
    }

    /// `config.load`: the configuration at `path` was loaded at start, with the SHA-256 of its
    /// bytes so that auditors can tell which policy was in force.
    package static func configLoad(path: String, sha256: String?) -> AuditEvent {
        AuditEvent(kind: .configLoad, result: "ok", details: configDetails(path: path, sha256: sha256))
    }

    /// `config.reload`: a new configuration was validated and is now in force.
    package static func configReload(path: String, sha256: String?) -> AuditEvent {
        AuditEvent(kind: .configReload, result: "ok", details: configDetails(path: path, sha256: sha256))
    }

    /// `config.reject`: a configuration failed validation; the running one stays.
    package static func configReject(path: String, sha256: String?, reason: String) -> AuditEvent {
        AuditEvent(kind: .configReject, result: "rejected", reason: reason, details: configDetails(path: path, sha256: sha256))
    }

    private static func configDetails(path: String, sha256: String?) -> [String: AuditValue] {
        [AuditDetailKey.configPath: .string(path), AuditDetailKey.configDigest: AuditValue(sha256)]
    }

    /// `audit.query`: someone read the trail. `user` is the Unix account that ran the command.
    package static func auditQuery(
        user: String, uid: Int, command: String, filter: [String: AuditValue]
    ) -> AuditEvent {
        AuditEvent(kind: .auditQuery, user: user, result: "ok", details: [
            AuditDetailKey.uid: AuditValue(uid),
            AuditDetailKey.queryCommand: .string(command),
            AuditDetailKey.filter: .object(filter),
        ])
    }
}

extension AuditEvent {
    /// `audit.prune`: events 1…`anchorID` (or since the previous prune) older than `cutoff`
    /// are about to be removed; the remaining chain will start after `anchorHash`. Recorded
    /// before anything is removed, and what `tracegate audit verify` checks checkpoints against.
    package static func auditPrune(cutoff: String, anchorID: Int64, anchorHash: String, count: Int64,
                                   oldest: String, newest: String) -> AuditEvent {
        AuditEvent(kind: .auditPrune, result: "ok", details: [
            AuditDetailKey.cutoff: .string(cutoff),
            AuditDetailKey.anchorID: AuditValue(Int(anchorID)),
            AuditDetailKey.anchorHash: .string(anchorHash),
            AuditDetailKey.removedCount: AuditValue(Int(count)),
            AuditDetailKey.oldestRemoved: .string(oldest),
            AuditDetailKey.newestRemoved: .string(newest),
        ])
    }
}
