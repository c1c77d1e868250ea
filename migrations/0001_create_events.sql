-- The append-only audit trail. One row per event; `id` is the position in the hash chain.
-- Each row's `hash` is SHA-256 over the canonical encoding of every other column plus
-- `prev_hash` (docs/audit-schema.md, "Hash chain"), so editing, deleting or reordering a row
-- breaks the chain that `tracegate audit verify` walks.
CREATE TABLE events (
    id               INTEGER PRIMARY KEY,  -- 1, 2, 3, … without gaps; assigned by the writer
    time             TEXT    NOT NULL,     -- UTC, microseconds: 2025-01-31T09:15:02.123456Z
    kind             TEXT    NOT NULL,     -- dotted name, e.g. access.decision
    connection_id    TEXT,
    session_id       TEXT,
    user             TEXT,
    organization     TEXT,
    source_address   TEXT,
    source_port      INTEGER,
    client_version   TEXT,
    key_type         TEXT,
    key_fingerprint  TEXT,
    target           TEXT,
    target_owner     TEXT,
    target_labels    TEXT    NOT NULL,     -- JSON object, keys sorted, as the target was then
    login            TEXT,
    ticket           TEXT,
    result           TEXT,
    reason           TEXT,
    details          TEXT    NOT NULL,     -- JSON object, keys sorted, kind-specific
    prev_hash        TEXT    NOT NULL,     -- hex SHA-256 of the previous event; 64 zeros for id 1
    hash             TEXT    NOT NULL      -- hex SHA-256 of this event
);

CREATE INDEX events_by_time ON events (time);
CREATE INDEX events_by_connection ON events (connection_id, id);

-- The writer only ever inserts. These triggers turn an accidental UPDATE or DELETE (a tool,
-- a hand-typed statement) into an error; they are not the tamper evidence, the chain is:
-- whoever can write the file can also drop a trigger.
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
