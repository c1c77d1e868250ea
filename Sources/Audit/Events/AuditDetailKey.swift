/// Names of the `details` JSON keys that the writer reads to maintain the query tables, and
/// that auditors reach with `json_extract(details, '$.key')`. One place, so that the event
/// constructors and `QueryTableUpdater` cannot drift apart.
package enum AuditDetailKey {
    // request.refused: which request (env, pty-req, subsystem, window-change)
    package static let request = "request"
    // channel.open
    package static let channelType = "type"
    package static let command = "command"
    package static let subsystem = "subsystem"
    package static let environment = "env"
    package static let pty = "pty"
    package static let ptyTerm = "term"
    package static let ptyColumns = "cols"
    package static let ptyRows = "rows"
    package static let forwardHost = "forward_host"
    package static let forwardPort = "forward_port"
    // channel.open and session.close
    package static let recordingPath = "recording_path"
    // session.close
    package static let exitStatus = "exit_status"
    package static let exitSignal = "exit_signal"
    package static let durationMilliseconds = "duration_ms"
    package static let bytesIn = "bytes_in"
    package static let bytesOut = "bytes_out"
    package static let recordingSize = "recording_size"
    package static let recordingSHA256 = "recording_sha256"
    // session.close of a terminated session, session.terminate
    package static let terminatedBy = "terminated_by"
    package static let terminatedByOrganization = "terminated_by_org"
    package static let terminationReason = "termination_reason"
    // lock.create, lock.remove (also session.close when a lock ended the session)
    package static let lockID = "lock_id"
    package static let lockKind = "lock_kind"
    package static let lockName = "lock_name"
    package static let lockExpiresAt = "expires_at"
    // oversight.*, watch.*, session.terminate
    package static let oversightCommand = "command"
    package static let oversightRule = "rule"
    package static let sessionCount = "sessions"
    package static let sessionOwner = "session_user"
    package static let sessionTarget = "session_target"
    // recording.stop (also recording_path, recording_size)
    package static let recordingStopCause = "cause"
    // auth.attempt
    package static let method = "method"
    // access.decision
    package static let grant = "grant"
    // access.decision and mfa.attempt: code | reused (since …, from connection c-…) | not_required
    package static let secondFactor = "second_factor"
    // mfa.attempt: 1, 2, 3 for the codes typed on one connection
    package static let mfaAttemptNumber = "attempt"
    // mfa.reset: when the enrolment window closes (absent: removed without a window), who ran it
    package static let windowClosesAt = "window_closes_at"
    package static let secretRemoved = "secret_removed"
    // upstream.connect
    package static let upstreamAddress = "address"
    package static let hostKeyFingerprint = "host_key_fingerprint"
    // upstream.connect: what each leg negotiated (in = what the gateway receives)
    package static let clientKeyExchange = "client_kex"
    package static let clientCipherIn = "client_cipher_in"
    package static let clientCipherOut = "client_cipher_out"
    package static let targetKeyExchange = "target_kex"
    package static let targetCipherIn = "target_cipher_in"
    package static let targetCipherOut = "target_cipher_out"
    // upstream.connect with upstream_auth: certificate
    package static let upstreamAuth = "auth"
    package static let certificateSerial = "certificate_serial"
    package static let certificateKeyID = "certificate_key_id"
    package static let certificateCA = "certificate_ca"
    package static let certificateValidBefore = "certificate_valid_before"
    // gateway.start, gateway.stop
    package static let listenAddress = "listen"
    package static let version = "version"
    package static let headHash = "head_hash"
    // config.*
    package static let configPath = "path"
    package static let configDigest = "sha256"
    // penalty.start
    package static let penaltySource = "source"
    package static let penaltyOffence = "offence"
    package static let penaltyStrike = "strike"
    package static let penaltyUntil = "until"
    // connection.open behind a load balancer, proxy.refused
    /// The proxy's socket address (`host:port`) that relayed the connection.
    package static let proxiedVia = "via"
    package static let claimedSource = "claimed_source"
    package static let headerError = "header_error"
    package static let error = "error"
    // audit.query
    package static let uid = "uid"
    package static let queryCommand = "command"
    package static let filter = "filter"
    /// `audit.query` from the web page: `web`, and the web session (a hash prefix, never the cookie).
    package static let via = "via"
    package static let webSession = "web_session"

    // file.transfer (see file_transfers in docs/audit-schema.md); file.ledger_stop: integrity
    package static let fileProtocol = "protocol"
    package static let fileOperation = "operation"
    package static let fileDirection = "direction"
    package static let filePath = "path"
    package static let fileSecondPath = "second_path"
    package static let fileResolvedPath = "resolved_path"
    package static let fileBytes = "bytes"
    package static let fileRanges = "ranges"
    package static let fileSHA256 = "sha256"
    package static let fileIntegrity = "integrity"
    package static let fileStatus = "status"
    package static let fileStartedAt = "started_at"
    package static let fileEndedAt = "ended_at"

    // audit.prune
    package static let cutoff = "cutoff"
    package static let anchorID = "anchor_id"
    package static let anchorHash = "anchor_hash"
    package static let removedCount = "removed_count"
    package static let oldestRemoved = "oldest_time"
    package static let newestRemoved = "newest_time"
}
