-- "What did this engineer do?" is the auditors' first question, and `tracegate audit events
-- --user U` answers it newest first. Without an index by user, SQLite walked the newest
-- events of everyone until it had found enough of U's: p99 168 ms with 1 million connections
-- in the store (docs/performance.md). With (user, id) it reads U's newest events directly.
-- One more index for the writer to maintain per event; the connections and sessions tables,
-- which most queries use, already have theirs.

CREATE INDEX events_by_user ON events (user, id);
