-- Query tables derived from the events by the writer, in the same transaction as the events
-- that create or update them: one row per connection and one per session channel. They exist
-- so that auditors' questions are index lookups, not scans of the event log; the events stay
-- the evidence (only they are hash-chained).

CREATE TABLE connections (
    id                 TEXT    PRIMARY KEY,  -- the gateway's connection id, e.g. c-0123456789ab
    opened_at          TEXT    NOT NULL,
    closed_at          TEXT,                 -- NULL while open
    duration_ms        INTEGER,
    source_address     TEXT,
    source_port        INTEGER,
    client_version     TEXT,
    user               TEXT,
    organization       TEXT,
    key_type           TEXT,
    key_fingerprint    TEXT,
    auth_attempts      INTEGER NOT NULL DEFAULT 0,
    target             TEXT,
    target_owner       TEXT,
    target_labels      TEXT,                 -- JSON object
    login              TEXT,
    ticket             TEXT,
    grant_name         TEXT,
    result             TEXT,                 -- furthest outcome; see docs/audit-schema.md
    reason             TEXT,
    upstream_result    TEXT,                 -- ok | failed
    upstream_host_key  TEXT,
    close_reason       TEXT,
    session_count      INTEGER NOT NULL DEFAULT 0,
    bytes_in           INTEGER NOT NULL DEFAULT 0,
    bytes_out          INTEGER NOT NULL DEFAULT 0,
    first_event_id     INTEGER NOT NULL,
    last_event_id      INTEGER NOT NULL
);

-- Every filter of `tracegate audit connections` is paired with the time column, so that
-- "newest first, limited" is one index walk whichever filter is given.
CREATE INDEX connections_by_time ON connections (opened_at);
CREATE INDEX connections_by_user ON connections (user, opened_at);
CREATE INDEX connections_by_organization ON connections (organization, opened_at);
CREATE INDEX connections_by_target ON connections (target, opened_at);
CREATE INDEX connections_by_ticket ON connections (ticket, opened_at);
CREATE INDEX connections_by_result ON connections (result, opened_at);
-- Recovery after a crash looks only for the rows still open.
CREATE INDEX connections_open ON connections (id) WHERE closed_at IS NULL;

CREATE TABLE sessions (
    id                 TEXT    PRIMARY KEY,  -- the gateway's session id, e.g. s-0123456789ab
    connection_id      TEXT    NOT NULL REFERENCES connections (id),
    opened_at          TEXT    NOT NULL,
    closed_at          TEXT,
    duration_ms        INTEGER,
    user               TEXT,
    organization       TEXT,
    target             TEXT,
    target_owner       TEXT,
    login              TEXT,
    ticket             TEXT,
    channel_type       TEXT    NOT NULL,     -- shell | exec | subsystem | direct-tcpip
    command            TEXT,                 -- exec: the full command line
    subsystem          TEXT,                 -- subsystem: e.g. sftp
    env                TEXT,                 -- JSON object of the variables passed
    pty_term           TEXT,
    pty_cols           INTEGER,
    pty_rows           INTEGER,
    forward_host       TEXT,                 -- direct-tcpip destination
    forward_port       INTEGER,
    exit_status        INTEGER,
    exit_signal        TEXT,
    result             TEXT,                 -- ok | failed | closed | interrupted; NULL while open
    bytes_in           INTEGER,              -- client to target
    bytes_out          INTEGER,              -- target to client
    recording_path     TEXT,
    recording_size     INTEGER,
    recording_sha256   TEXT,
    first_event_id     INTEGER NOT NULL,
    last_event_id      INTEGER NOT NULL
);

CREATE INDEX sessions_by_time ON sessions (opened_at);
CREATE INDEX sessions_by_connection ON sessions (connection_id);
CREATE INDEX sessions_by_user ON sessions (user, opened_at);
CREATE INDEX sessions_by_organization ON sessions (organization, opened_at);
CREATE INDEX sessions_by_target ON sessions (target, opened_at);
CREATE INDEX sessions_by_ticket ON sessions (ticket, opened_at);
CREATE INDEX sessions_by_result ON sessions (result, opened_at);
CREATE INDEX sessions_open ON sessions (id) WHERE closed_at IS NULL;
