-- Penalised sources (OpenSSH's PerSourcePenalties, `penalties:`), shared by the nodes of a
-- cluster: a source that fails authentication too often on one node is refused at accept by
-- every node until `until`. Each node still decides from its own book in memory; a node that
-- imposes a penalty writes it here through its shared-state feed (NOTIFY `penalty:SOURCE`),
-- and the others add it to their books. The evidence (the `penalty.start` event and the
-- failures before it) stays in the chain of the node that imposed it.
--
-- `source` is the address, or the IPv6 /64 as `PREFIX::/64`. A write keeps the later `until`,
-- so that two nodes penalising the same source at once end with the longer penalty. Times are
-- ISO 8601 text (UTC, microseconds), which orders like the times.
CREATE TABLE penalties (
    source      text    PRIMARY KEY,
    until       text    NOT NULL,
    level       integer NOT NULL,
    node        text    NOT NULL,
    reason      text    NOT NULL,
    updated_at  text    NOT NULL
);

CREATE INDEX penalties_by_until ON penalties (until);
