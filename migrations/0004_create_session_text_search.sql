-- Full-text search over what sessions showed and ran (`tracegate audit search`): terminal
-- output with escape sequences removed and lines rebuilt, captured exec output, and exec
-- command lines. Written by the audit writer while sessions run, in its batches.
--
-- `session_lines` holds the text; `session_text` is an FTS5 index over it with external
-- content (`content=`), so each line is stored once. The writer inserts into both with the
-- same id; nothing ever updates or deletes a line, so no triggers are needed to keep the
-- index in step. These rows are not hash-chained: the recordings (whose SHA-256 is on the
-- session row) are the evidence, this is only their index.

CREATE TABLE session_lines (
    id             INTEGER PRIMARY KEY,
    session_id     TEXT    NOT NULL,
    connection_id  TEXT    NOT NULL,
    source         TEXT    NOT NULL,   -- output | command
    line           TEXT    NOT NULL
);

-- The context around a hit is the session's neighbouring lines: one index seek each way.
CREATE INDEX session_lines_by_session ON session_lines (session_id, id);

CREATE VIRTUAL TABLE session_text USING fts5 (
    line,
    content = 'session_lines',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
