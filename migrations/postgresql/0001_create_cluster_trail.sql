-- The cluster's shared trail: every node's hash chain, shipped from its local SQLite journal
-- (docs/audit-schema.md describes the columns). A row is the node's SQLite row, unchanged,
-- plus `node`: the chain of each node can be verified here exactly as on the node.
--
-- Every hashed column is text or bigint, never json/jsonb or timestamptz: PostgreSQL would
-- normalise such values (key order, spacing, time zone) and the bytes that were hashed would
-- no longer be the bytes stored.
CREATE TABLE events (
    node             text    NOT NULL,     -- cluster.node of the gateway that wrote it
    id               bigint  NOT NULL,     -- position in that node's chain: 1, 2, 3, …
    time             text    NOT NULL,     -- UTC, microseconds: 2025-01-31T09:15:02.123456Z
    kind             text    NOT NULL,
    connection_id    text,
    session_id       text,
    "user"           text,
    organization     text,
    source_address   text,
    source_port      bigint,
    client_version   text,
    key_type         text,
    key_fingerprint  text,
    target           text,
    target_owner     text,
    target_labels    text    NOT NULL,     -- JSON object as hashed (keys sorted)
    login            text,
    ticket           text,
    result           text,
    reason           text,
    details          text    NOT NULL,     -- JSON object as hashed (keys sorted)
    prev_hash        text    NOT NULL,
    hash             text    NOT NULL,
    PRIMARY KEY (node, id)
);

CREATE INDEX events_by_time ON events (time);
CREATE INDEX events_by_connection ON events (connection_id, node, id);
CREATE INDEX events_by_user ON events ("user");

-- Shippers only insert. The trigger turns an accidental UPDATE or DELETE into an error; it
-- is not the tamper evidence (the chain is): whoever owns the table can disable it.
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;

CREATE TRIGGER events_are_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();

-- One row per node, written by its shipper every few seconds (the heartbeat): what
-- `tracegate cluster status` shows.
CREATE TABLE nodes (
    node                  text PRIMARY KEY,
    last_seen             timestamptz NOT NULL,
    configuration_sha256  text,              -- SHA-256 of the node's configuration file
    sessions_open         integer NOT NULL DEFAULT 0,
    shipped_id            bigint  NOT NULL DEFAULT 0,  -- highest event id of the node here
    lag_events            bigint  NOT NULL DEFAULT 0,  -- written locally, not yet here
    lag_seconds           double precision NOT NULL DEFAULT 0,  -- age of the oldest of those
    version               text
);
