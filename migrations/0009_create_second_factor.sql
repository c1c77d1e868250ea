-- Second factor (TOTP after the key). State, not evidence: what happened is in the events
-- (mfa.attempt, mfa.enrol, mfa.reset); these tables hold what the gateway must remember
-- between connections. Secrets are sealed (AES-GCM) with state_dir/keys/mfa_secret_key,
-- which never enters this database or its backups.

CREATE TABLE second_factor_secrets (
    user          TEXT    PRIMARY KEY,
    sealed_secret BLOB    NOT NULL,   -- nonce | ciphertext | tag; the user name is the associated data
    enrolled_at   TEXT    NOT NULL,
    last_used_at  TEXT,
    last_step     INTEGER             -- 30-second step of the last accepted code: it and older are replays
);

-- Opened by `tracegate mfa reset USER --window D`; `mfa enroll` works only inside one.
CREATE TABLE second_factor_enrolment_windows (
    user       TEXT PRIMARY KEY,
    opened_at  TEXT NOT NULL,
    closes_at  TEXT NOT NULL,
    opened_by  TEXT NOT NULL
);

-- The last good code per user and source address, for `mfa: {reuse: 8h}`.
CREATE TABLE second_factor_verifications (
    user            TEXT NOT NULL,
    source_address  TEXT NOT NULL,
    verified_at     TEXT NOT NULL,
    connection_id   TEXT NOT NULL,
    PRIMARY KEY (user, source_address)
);

-- How the connection met the second factor: code | reused (since …, from connection c-…) | not_required.
ALTER TABLE connections ADD COLUMN second_factor TEXT;

-- The auditors' view shows it too (the view as in 0003, plus the new column).
DROP VIEW connection_summary;
CREATE VIEW connection_summary AS
SELECT
    id                AS connection_id,
    opened_at,
    closed_at,
    CASE
        WHEN closed_at IS NULL THEN 'open'
        WHEN close_reason = 'interrupted' THEN 'interrupted'
        ELSE 'closed'
    END               AS status,
    duration_ms,
    user,
    organization,
    source_address,
    source_port,
    client_version,
    key_type,
    key_fingerprint,
    auth_attempts,
    target,
    target_owner,
    target_labels,
    login,
    ticket,
    grant_name,
    result,
    reason,
    upstream_result,
    upstream_host_key,
    close_reason,
    session_count,
    bytes_in,
    bytes_out,
    first_event_id,
    last_event_id,
    second_factor
FROM connections;
