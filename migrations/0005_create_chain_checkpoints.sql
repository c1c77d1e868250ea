-- Retention (`tracegate audit prune`, `retention:` in the configuration) removes the oldest
-- events without breaking verification. Each prune step records a checkpoint here in the same
-- transaction that deletes the events it covers: the hash of the last removed event (the
-- anchor, which the first remaining event names as its prev_hash), how many were removed and
-- their time range. `tracegate audit verify` starts at the newest checkpoint and proves that
-- the remaining trail continues from it. Checkpoints are chained by hash like events, and
-- each prune is also announced by an `audit.prune` event in the chain before anything is
-- removed, so a checkpoint that no prune announced is itself evidence of tampering.
CREATE TABLE chain_checkpoints (
    id                    INTEGER PRIMARY KEY,  -- 1, 2, 3, … in the order prunes removed events
    created_at            TEXT    NOT NULL,     -- UTC, microseconds, like events.time
    cutoff                TEXT    NOT NULL,     -- the prune removed events older than this
    first_removed_id      INTEGER NOT NULL,     -- the previous checkpoint's last_removed_id + 1, or 1
    last_removed_id       INTEGER NOT NULL,     -- the anchor: the remaining chain starts after it
    anchor_hash           TEXT    NOT NULL,     -- hash of event last_removed_id
    removed_count         INTEGER NOT NULL,     -- last_removed_id - first_removed_id + 1
    oldest_removed_time   TEXT    NOT NULL,     -- time of event first_removed_id
    newest_removed_time   TEXT    NOT NULL,     -- time of event last_removed_id
    prev_hash             TEXT    NOT NULL,     -- hash of the previous checkpoint; 64 zeros for the first
    hash                  TEXT    NOT NULL      -- SHA-256 of the canonical encoding of the columns above
);

-- Events may now be deleted, but only behind a checkpoint that already covers them: the same
-- guard against a stray DELETE as before for every event the trail still vouches for.
DROP TRIGGER events_are_append_only_delete;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
WHEN OLD.id > (SELECT COALESCE(MAX(last_removed_id), 0) FROM chain_checkpoints)
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only; only `tracegate audit prune` removes them, behind a checkpoint');
END;

CREATE TRIGGER chain_checkpoints_are_append_only_update BEFORE UPDATE ON chain_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'chain checkpoints are append-only');
END;

CREATE TRIGGER chain_checkpoints_are_append_only_delete BEFORE DELETE ON chain_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'chain checkpoints are append-only');
END;

-- A prune step finds the connections and sessions whose events it removes by their first
-- event: set once at insert, so these indexes cost the writer nothing on later updates.
CREATE INDEX connections_by_first_event ON connections (first_event_id);
CREATE INDEX sessions_by_first_event ON sessions (first_event_id);
