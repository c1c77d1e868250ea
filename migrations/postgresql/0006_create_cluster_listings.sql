-- What the auditors' listings read on a cluster (`tracegate audit connections|sessions|files|
-- show|search`): each node's query tables, shipped by its shipper with the events they come
-- from, in the same transaction. A row is the node's SQLite row, as its own writer projected
-- it from the events, plus `node`; nothing here re-derives a row from the events. A row is
-- replaced whole when the node ships it again with a later state (closed_at, bytes, exit
-- status), so shipping a batch twice changes nothing.
--
-- Times stay ISO 8601 text, as on the node: they order like the times, and the listings
-- compare and print them exactly as SQLite does.
CREATE TABLE connections (
    node               text    NOT NULL,
    id                 text    NOT NULL,
    opened_at          text    NOT NULL,
    closed_at          text,
    duration_ms        bigint,
    source_address     text,
    source_port        bigint,
    client_version     text,
    "user"             text,
    organization       text,
    key_type           text,
    key_fingerprint    text,
    auth_attempts      bigint  NOT NULL DEFAULT 0,
    target             text,
    target_owner       text,
    target_labels      text,
    login              text,
    ticket             text,
    grant_name         text,
    result             text,
    reason             text,
    upstream_result    text,
    upstream_host_key  text,
    close_reason       text,
    session_count      bigint  NOT NULL DEFAULT 0,
    bytes_in           bigint  NOT NULL DEFAULT 0,
    bytes_out          bigint  NOT NULL DEFAULT 0,
    first_event_id     bigint  NOT NULL,
    last_event_id      bigint  NOT NULL,
    second_factor      text,
    certificate_serial bigint,
    PRIMARY KEY (node, id)
);

-- Every filter is paired with the time column, so "newest first, limited" is one index walk
-- whichever filter is given (as on the node); `show ID` finds a connection by id alone.
CREATE INDEX connections_by_time ON connections (opened_at);
CREATE INDEX connections_by_id ON connections (id);
CREATE INDEX connections_by_user ON connections ("user", opened_at);
CREATE INDEX connections_by_organization ON connections (organization, opened_at);
CREATE INDEX connections_by_target ON connections (target, opened_at);
CREATE INDEX connections_by_login ON connections (login, opened_at);
CREATE INDEX connections_by_ticket ON connections (ticket, opened_at);
CREATE INDEX connections_by_result ON connections (result, opened_at);

CREATE TABLE sessions (
    node               text    NOT NULL,
    id                 text    NOT NULL,
    connection_id      text    NOT NULL,
    opened_at          text    NOT NULL,
    closed_at          text,
    duration_ms        bigint,
    "user"             text,
    organization       text,
    target             text,
    target_owner       text,
    login              text,
    ticket             text,
    channel_type       text    NOT NULL,
    command            text,
    subsystem          text,
    env                text,
    pty_term           text,
    pty_cols           bigint,
    pty_rows           bigint,
    forward_host       text,
    forward_port       bigint,
    exit_status        bigint,
    exit_signal        text,
    result             text,
    bytes_in           bigint,
    bytes_out          bigint,
    recording_path     text,
    recording_size     bigint,
    recording_sha256   text,
    first_event_id     bigint  NOT NULL,
    last_event_id      bigint  NOT NULL,
    approval_id        text,
    approved_by        text,
    break_glass_review text,
    PRIMARY KEY (node, id)
);

-- Here the sessions' own copies of user, target, login and ticket are indexed: PostgreSQL is
-- not the gateway's single writer, so the extra index pages cost no session its latency.
CREATE INDEX sessions_by_time ON sessions (opened_at);
CREATE INDEX sessions_by_id ON sessions (id);
CREATE INDEX sessions_by_connection ON sessions (connection_id);
CREATE INDEX sessions_by_user ON sessions ("user", opened_at);
CREATE INDEX sessions_by_organization ON sessions (organization, opened_at);
CREATE INDEX sessions_by_target ON sessions (target, opened_at);
CREATE INDEX sessions_by_login ON sessions (login, opened_at);
CREATE INDEX sessions_by_ticket ON sessions (ticket, opened_at);
CREATE INDEX sessions_by_result ON sessions (result, opened_at);

CREATE TABLE file_transfers (
    node            text    NOT NULL,
    event_id        bigint  NOT NULL,
    time            text    NOT NULL,
    connection_id   text,
    session_id      text,
    "user"          text,
    organization    text,
    target          text,
    target_owner    text,
    login           text,
    protocol        text    NOT NULL,
    operation       text    NOT NULL,
    direction       text,
    path            text    NOT NULL,
    second_path     text,
    resolved_path   text,
    bytes           bigint  NOT NULL DEFAULT 0,
    ranges          text,
    sha256          text,
    integrity       text    NOT NULL,
    status          text    NOT NULL,
    note            text,
    started_at      text,
    ended_at        text,
    PRIMARY KEY (node, event_id)
);

CREATE INDEX file_transfers_by_time ON file_transfers (time);
CREATE INDEX file_transfers_by_connection ON file_transfers (connection_id);
CREATE INDEX file_transfers_by_user ON file_transfers ("user", time);
CREATE INDEX file_transfers_by_target ON file_transfers (target, time);
CREATE INDEX file_transfers_by_sha256 ON file_transfers (sha256) WHERE sha256 IS NOT NULL;

-- The text `audit search` looks in (the node's `session_lines`). PostgreSQL's own full-text
-- search finds the candidate lines, without an extension: the line's letters and digits are
-- the words (as SQLite's unicode61 tokenizer sees them), since the default parser would take
-- `/tmp/x` or `a-b` as one token and a search for `tmp` would miss it. The search repeats
-- this expression exactly, so that the index serves it.
CREATE TABLE session_lines (
    node           text    NOT NULL,
    id             bigint  NOT NULL,
    session_id     text    NOT NULL,
    connection_id  text    NOT NULL,
    source         text    NOT NULL,
    line           text    NOT NULL,
    PRIMARY KEY (node, id)
);

CREATE INDEX session_lines_by_session ON session_lines (session_id, node, id);
CREATE INDEX session_lines_words ON session_lines
    USING gin (to_tsvector('simple'::regconfig, regexp_replace(line, '[^[:alnum:]]+', ' ', 'g')));

-- Break-glass review items (`audit reviews`): opened on the engineer's node, closed by a
-- review event that may come from another connection of that node.
CREATE TABLE reviews (
    node             text    NOT NULL,
    id               text    NOT NULL,
    connection_id    text    NOT NULL,
    opened_at        text    NOT NULL,
    "user"           text,
    organization     text,
    target           text,
    target_owner     text,
    login            text,
    source_address   text,
    reason           text,
    rule_name        text,
    result           text    NOT NULL,
    reviewed_at      text,
    reviewed_by      text,
    reviewed_by_org  text,
    review_note      text,
    first_event_id   bigint  NOT NULL,
    last_event_id    bigint  NOT NULL,
    PRIMARY KEY (node, id)
);

CREATE INDEX reviews_by_time ON reviews (opened_at);

-- How far each node's query tables are shipped (the id of the last event whose batch carried
-- them). A node whose events were shipped before this migration starts again from here, so
-- its older rows arrive too.
CREATE TABLE listings_shipped (
    node        text   PRIMARY KEY,
    shipped_id  bigint NOT NULL
);

-- The listings' views: the node's views, with `node` first.
CREATE VIEW connection_summary AS
SELECT
    node,
    id                AS connection_id,
    opened_at,
    closed_at,
    CASE
        WHEN closed_at IS NULL THEN 'open'
        WHEN close_reason = 'interrupted' THEN 'interrupted'
        ELSE 'closed'
    END               AS status,
    duration_ms,
    "user",
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
    last_event_id,
    second_factor
FROM connections;

CREATE VIEW session_summary AS
SELECT
    node,
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
    "user",
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

-- A review item is opened in one node's chain and may be closed in another's (through the
-- shared `shared_reviews` row, migration 0005): the opening node's own row then stays open. The
-- listing takes the closing from whichever holds it, so `audit reviews` on a cluster shows the
-- item as every node's shell does.
CREATE VIEW review_summary AS
SELECT
    r.node,
    r.id              AS review_id,
    r.connection_id,
    r.opened_at,
    r."user",
    r.organization,
    r.target,
    r.target_owner,
    r.login,
    r.source_address,
    r.reason,
    r.rule_name,
    CASE WHEN r.result = 'open' AND s.result IS NOT NULL AND s.result <> 'open' THEN s.result ELSE r.result END AS result,
    CASE WHEN r.result = 'open' AND s.result IS NOT NULL AND s.result <> 'open' THEN s.reviewed_at ELSE r.reviewed_at END AS reviewed_at,
    CASE WHEN r.result = 'open' AND s.result IS NOT NULL AND s.result <> 'open' THEN s.reviewed_by ELSE r.reviewed_by END AS reviewed_by,
    CASE WHEN r.result = 'open' AND s.result IS NOT NULL AND s.result <> 'open' THEN s.reviewed_by_org ELSE r.reviewed_by_org END AS reviewed_by_org,
    CASE WHEN r.result = 'open' AND s.result IS NOT NULL AND s.result <> 'open' THEN s.review_note ELSE r.review_note END AS review_note,
    r.first_event_id,
    r.last_event_id
FROM reviews r
LEFT JOIN shared_reviews s ON s.id = r.id;
