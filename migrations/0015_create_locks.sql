-- Locks (issue 15): a user or a target locked by someone with the `lock` oversight right, or
-- by the operator on the gateway host. A projection of the `lock.create` and `lock.remove`
-- events, kept by the writer in the same transaction as those events (like `connections`
-- and `sessions`): the events stay the evidence. A lock is in force while `removed_at` is
-- NULL and `expires_at` is NULL or later than now; it survives a restart because it is here.
CREATE TABLE locks (
    id               TEXT PRIMARY KEY,     -- l-…
    kind             TEXT NOT NULL,        -- user | target
    name             TEXT NOT NULL,        -- the user's or the target's name
    reason           TEXT NOT NULL,
    created_at       TEXT NOT NULL,        -- time of the lock.create event
    created_by       TEXT,                 -- user name, or root@host for the operator
    created_by_org   TEXT,
    expires_at       TEXT,                 -- UTC, same format as events.time; NULL: until lifted
    removed_at       TEXT,                 -- time of the lock.remove event
    removed_by       TEXT,
    create_event_id  INTEGER NOT NULL,     -- events.id of lock.create
    remove_event_id  INTEGER               -- events.id of lock.remove
);

CREATE INDEX locks_in_force ON locks (removed_at, kind, name);
