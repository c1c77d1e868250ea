-- Approvals (issue 14): a grant with `approval:` allows a session only once a member of its
-- `by` selector said yes. Each request, decision and withdrawal is an event in the chain
-- (`approval.request`, `approval.decision`, `approval.withdraw`); this table is their
-- projection, kept by the writer in the same transaction, like `connections` and `sessions`.
CREATE TABLE approvals (
    id               TEXT PRIMARY KEY,     -- r-…, what the approver types
    connection_id    TEXT    NOT NULL,     -- the requester's connection
    requested_at     TEXT    NOT NULL,
    user             TEXT,                 -- the requester
    organization     TEXT,
    target           TEXT,
    target_owner     TEXT,
    login            TEXT,
    ticket           TEXT,
    source_address   TEXT,
    command          TEXT,                 -- exec: the command line; shell/subsystem: its kind
    approvers        TEXT,                 -- the grant's `by`, as written
    grant_name       TEXT,
    wait_until       TEXT    NOT NULL,     -- when the request stops waiting
    status           TEXT    NOT NULL,     -- pending, approved, denied, withdrawn, expired, interrupted
    decided_at       TEXT,
    decided_by       TEXT,                 -- the approver's user name
    decided_by_org   TEXT,
    decision_note    TEXT,                 -- approve --note / deny --reason
    valid_until      TEXT,                 -- approved: until when new sessions need no new approval
    first_event_id   INTEGER NOT NULL,
    last_event_id    INTEGER NOT NULL
);

CREATE INDEX approvals_by_time ON approvals (requested_at);
CREATE INDEX approvals_pending ON approvals (id) WHERE status = 'pending';

-- A session started under an approval names it and its approver.
ALTER TABLE sessions ADD COLUMN approval_id TEXT;
ALTER TABLE sessions ADD COLUMN approved_by TEXT;
-- A session of a break-glass connection names its review item (b-…).
ALTER TABLE sessions ADD COLUMN break_glass_review TEXT;

-- Views only ever gain columns: session_summary is the one of 0003 plus the approval.
DROP VIEW session_summary;
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
    last_event_id,
    approval_id,
    approved_by,
    break_glass_review
FROM sessions;

CREATE VIEW approval_summary AS
SELECT
    id                AS approval_id,
    connection_id,
    requested_at,
    user,
    organization,
    target,
    target_owner,
    login,
    ticket,
    source_address,
    command,
    approvers,
    grant_name,
    wait_until,
    status,
    decided_at,
    decided_by,
    decided_by_org,
    decision_note,
    valid_until,
    first_event_id,
    last_event_id
FROM approvals;

-- Break-glass (issue 14): an emergency session skips approval, hours and the ticket pattern,
-- and opens a review item (`breakglass.open`) that the other organisation closes
-- (`breakglass.review`). This table is their projection.
CREATE TABLE reviews (
    id               TEXT PRIMARY KEY,     -- b-…
    connection_id    TEXT    NOT NULL,     -- the engineer's connection
    opened_at        TEXT    NOT NULL,
    user             TEXT,
    organization     TEXT,
    target           TEXT,
    target_owner     TEXT,
    login            TEXT,
    source_address   TEXT,
    reason           TEXT,                 -- the engineer's reason for breaking the glass
    rule_name        TEXT,                 -- break-glass #N (file:line)
    result           TEXT    NOT NULL,     -- open, accepted, rejected
    reviewed_at      TEXT,
    reviewed_by      TEXT,
    reviewed_by_org  TEXT,
    review_note      TEXT,
    first_event_id   INTEGER NOT NULL,
    last_event_id    INTEGER NOT NULL
);

CREATE INDEX reviews_by_time ON reviews (opened_at);
CREATE INDEX reviews_open ON reviews (id) WHERE result = 'open';

CREATE VIEW review_summary AS
SELECT
    id                AS review_id,
    connection_id,
    opened_at,
    user,
    organization,
    target,
    target_owner,
    login,
    source_address,
    reason,
    rule_name,
    result,
    reviewed_at,
    reviewed_by,
    reviewed_by_org,
    review_note,
    first_event_id,
    last_event_id
FROM reviews;
