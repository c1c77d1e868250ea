-- The file-transfer ledger: one row per file moved by sftp or scp (and per remove, rename,
-- mkdir, rmdir, setstat, symlink and directory listing over sftp), and per refusal of a
-- grant's file rules. A projection of the `file.transfer` events, written by the writer in the
-- same transaction: the events stay the evidence (they are in the hash chain); `event_id`
-- points at the one each row comes from.

CREATE TABLE file_transfers (
    event_id        INTEGER PRIMARY KEY,      -- events.id of the file.transfer event
    time            TEXT    NOT NULL,         -- when the entry was written (the file's end)
    connection_id   TEXT,
    session_id      TEXT,
    user            TEXT,
    organization    TEXT,
    target          TEXT,
    target_owner    TEXT,
    login           TEXT,
    protocol        TEXT    NOT NULL,         -- sftp | scp
    operation       TEXT    NOT NULL,         -- upload | download | remove | rename | mkdir | rmdir | setstat | symlink | list
    direction       TEXT,                     -- upload | download; NULL for tree changes
    path            TEXT    NOT NULL,         -- as the client named it
    second_path     TEXT,                     -- rename/symlink: the other path; scp: the record's name
    resolved_path   TEXT,                     -- the target's REALPATH answer, when seen
    bytes           INTEGER NOT NULL DEFAULT 0,
    ranges          TEXT,                     -- covered offsets, "0-1048576,2097152-3000000"
    sha256          TEXT,                     -- set when integrity = complete
    integrity       TEXT    NOT NULL,         -- complete | partial | unparsed | overflow | none
    status          TEXT    NOT NULL,         -- ok | denied | the target's failure
    note            TEXT,
    started_at      TEXT,
    ended_at        TEXT
);

CREATE INDEX file_transfers_by_time ON file_transfers (time);
CREATE INDEX file_transfers_by_session ON file_transfers (session_id);
CREATE INDEX file_transfers_by_user ON file_transfers (user, time);
CREATE INDEX file_transfers_by_target ON file_transfers (target, time);
CREATE INDEX file_transfers_by_sha256 ON file_transfers (sha256) WHERE sha256 IS NOT NULL;
