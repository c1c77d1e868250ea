-- Locks shared by every node of the cluster (issue 19, item 5). The evidence of a lock stays
-- the `lock.create` / `lock.remove` event in the chain of the node where it was set or
-- lifted; this table is the live state every node reads, so that a lock set through one node
-- ends the sessions on all of them. The node that acts writes its row and, in the same
-- transaction, `NOTIFY tracegate_state, 'lock:<id>'`: the other nodes LISTEN and re-read.
--
-- Times are the chain's own text (UTC, microseconds), as in `events`.
CREATE TABLE locks (
    id              text PRIMARY KEY,      -- l-…, as in the chain
    kind            text NOT NULL CHECK (kind IN ('user', 'target')),
    name            text NOT NULL,
    reason          text NOT NULL,
    created_at      text NOT NULL,
    created_by      text NOT NULL,
    created_by_org  text,
    expires_at      text,                  -- NULL: until lifted
    node            text NOT NULL,         -- where it was set: its chain holds lock.create
    removed_at      text,                  -- NULL: not lifted
    removed_by      text,
    removed_node    text                   -- where it was lifted: its chain holds lock.remove
);

-- What every node reads on each notification and on its periodic re-read.
CREATE INDEX locks_not_removed ON locks (created_at) WHERE removed_at IS NULL;
