-- Approval requests shared by every node of the cluster (issue 19, item 5). A request waits
-- on the node that holds the engineer's connection; an approver may be connected to any node.
-- The requester's node writes the request here; the approver's node decides it here, with a
-- conditional update inside a transaction that also makes its `approval.decide` event durable
-- in that node's own chain, so that two approvers on two nodes cannot both decide it. Each
-- write notifies `tracegate_state` with 'approval:<id>'; the requester's node re-reads it.
--
-- Times are the chain's own text (UTC, microseconds), as in `events`.
CREATE TABLE approval_requests (
    id              text PRIMARY KEY,      -- r-…, as in the chain
    node            text NOT NULL,         -- where the request waits (its chain holds approval.request)
    connection_id   text NOT NULL,
    "user"          text NOT NULL,
    organization    text NOT NULL,
    target          text NOT NULL,
    login           text NOT NULL,
    ticket          text,
    source_address  text NOT NULL,
    command         text NOT NULL,
    grant_name      text NOT NULL,         -- the grant whose approval: rule applies (same policy on every node)
    requested_at    text NOT NULL,
    wait_until      text NOT NULL,
    status          text NOT NULL DEFAULT 'pending',  -- pending, approved, denied, or how it ended
    decided_by      text,
    decided_by_org  text,
    decided_node    text,                  -- where it was decided (its chain holds approval.decide)
    note            text,
    valid_until     text
);

CREATE INDEX approval_requests_pending ON approval_requests (requested_at) WHERE status = 'pending';
