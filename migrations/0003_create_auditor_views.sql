-- Views for auditors: the stable interface documented in docs/audit-schema.md. Columns are
-- only ever added to these views, never renamed or removed, so that saved queries keep working.
-- Each view selects from one table without aggregation, so SQLite flattens it and the
-- indexes of the table still serve filters on the view.

CREATE VIEW connection_summary AS
SELECT
    id                AS connection_id,
    opened_at,
    closed_at,
    CASE
        WHEN closed_at IS NULL THEN 'open'
        WHEN close_reason = 'interrupted' THEN 'interrupted'
        ELSE 'closed'
    END               AS status,
    duration_ms,
    user,
    organization,
    source_address,
    source_port,
    client_version,
    key_type,
    key_fingerprint,
    auth_attempts,
    target,
    target_owner,
    target_labels,
    login,
    ticket,
    grant_name,
    result,
    reason,
    upstream_result,
    upstream_host_key,
    close_reason,
    session_count,
    bytes_in,
    bytes_out,
    first_event_id,
    last_event_id
FROM connections;

CREATE VIEW session_summary AS
SELECT
    id                AS session_id,
    connection_id,
    opened_at,
    closed_at,
    CASE
        WHEN closed_at IS NULL THEN 'open'
        WHEN result = 'interrupted' THEN 'interrupted'
        ELSE 'closed'
    END               AS status,
    duration_ms,
    user,
    organization,
    target,
    target_owner,
    login,
    ticket,
    channel_type,
    command,
    subsystem,
    env,
    pty_term,
    pty_cols,
    pty_rows,
    forward_host,
    forward_port,
    exit_status,
    exit_signal,
    result,
    bytes_in,
    bytes_out,
    recording_path,
    recording_size,
    recording_sha256,
    first_event_id,
    last_event_id
FROM sessions;

-- Who read the trail, and with which filter (every `tracegate audit` command writes one).
CREATE VIEW audit_query_log AS
SELECT
    id                AS event_id,
    time,
    user,
    json_extract(details, '$.uid')     AS uid,
    json_extract(details, '$.command') AS command,
    json_extract(details, '$.filter')  AS filter,
    result,
    reason
FROM events
WHERE kind = 'audit.query';
