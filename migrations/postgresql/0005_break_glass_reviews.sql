-- Break-glass review items shared by every node of the cluster (issue 19, item 5): the glass is
-- broken on one node, the other organisation reviews the item through any node, and once closed
-- it is closed for all. The evidence stays in the chains: `breakglass.open` in the chain of the
-- node where the glass was broken, `breakglass.review` in the chain of the node where it was
-- reviewed. The opening node writes its row after its event is durable; a reviewer's node closes
-- it with a claim (the row locked, then updated) inside a transaction that also makes its
-- `breakglass.review` event durable, so that two reviewers on two nodes cannot both close it.
-- Each write notifies `tracegate_state` with 'review:<id>'.
--
-- Times are the chain's own text (UTC, microseconds), as in `events`.
CREATE TABLE shared_reviews (
    id               text PRIMARY KEY,      -- b-…, as in the chain
    node             text NOT NULL,         -- where the glass was broken (its chain holds breakglass.open)
    connection_id    text NOT NULL,
    opened_at        text NOT NULL,
    "user"           text NOT NULL,
    organization     text NOT NULL,
    target           text NOT NULL,
    target_owner     text,
    login            text NOT NULL,
    source_address   text,
    reason           text NOT NULL,
    rule_name        text NOT NULL,         -- the break_glass entry (same policy on every node)
    result           text NOT NULL DEFAULT 'open' CHECK (result IN ('open', 'accepted', 'rejected')),
    reviewed_at      text,
    reviewed_by      text,
    reviewed_by_org  text,
    review_node      text,                  -- where it was reviewed (its chain holds breakglass.review)
    review_note      text
);

CREATE INDEX shared_reviews_open ON shared_reviews (opened_at) WHERE result = 'open';
