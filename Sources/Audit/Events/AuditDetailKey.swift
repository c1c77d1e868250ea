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
    // recording.stop (also recording_path, recording_size)
    package static let recordingStopCause = "cause"
    // auth.attempt
    package static let method = "method"
    // access.decision
    package static let grant = "grant"
    // upstream.connect
    package static let upstreamAddress = "address"
    package static let hostKeyFingerprint = "host_key_fingerprint"
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
    // audit.query
    package static let uid = "uid"
    package static let queryCommand = "command"
    package static let filter = "filter"
    /// `audit.query` from the web page: `web`, and the web session (a hash prefix, never the cookie).
    package static let via = "via"
    package static let webSession = "web_session"

    // audit.prune
    package static let cutoff = "cutoff"
    package static let anchorID = "anchor_id"
    package static let anchorHash = "anchor_hash"
    package static let removedCount = "removed_count"
    package static let oldestRemoved = "oldest_time"
    package static let newestRemoved = "newest_time"
}
