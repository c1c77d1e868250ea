-- Second-factor state shared by every node of the cluster (issue 19, item 5): an engineer
-- enrolled through one node gives her code on any node, and a code accepted on one node is a
-- replay on all of them. The same three tables as SQLite's migration 0009, with "user" quoted.
-- State, not evidence: mfa.attempt, mfa.enrol and mfa.reset stay events in the chain of the
-- node where they happened.
--
-- Nodes read these rows when a login needs them (no copy in memory), so a change made through
-- one node applies on the next login anywhere, with nothing to notify.
--
-- Times are the chain's own text (UTC, microseconds, fixed width): compared as text, they
-- compare as instants.

-- The secret is sealed (AES-256-GCM: nonce | ciphertext | tag, the user name as associated
-- data) under state_dir/keys/mfa_secret_key, the same file on every node. The key never
-- enters PostgreSQL: this table alone opens nothing.
CREATE TABLE second_factor_secrets (
    "user"          text PRIMARY KEY,
    sealed_secret   bytea NOT NULL,
    enrolled_at     text NOT NULL,
    enrolled_node   text NOT NULL,     -- where `mfa enroll` ran (its chain holds mfa.enrol)
    last_used_at    text,
    last_step       bigint             -- 30-second step of the last accepted code: it and older are replays
);

-- Opened by `tracegate mfa reset USER --window D` on any node; `mfa enroll` works only inside one.
CREATE TABLE second_factor_enrolment_windows (
    "user"          text PRIMARY KEY,
    opened_at       text NOT NULL,
    closes_at       text NOT NULL,
    opened_by       text NOT NULL
);

-- The last good code per user and source address, for `mfa: {reuse: 8h}`.
CREATE TABLE second_factor_verifications (
    "user"          text NOT NULL,
    source_address  text NOT NULL,
    verified_at     text NOT NULL,
    connection_id   text NOT NULL,
    node            text NOT NULL,     -- where the code was given
    PRIMARY KEY ("user", source_address)
);
