-- Short-lived OpenSSH user certificates to targets (upstream_auth: certificate).
-- Each upstream login signed by the gateway's user CA carries a serial that the target's sshd
-- writes in its own log ("… ID tracegate user=bob … (serial 1234) CA ED25519 …"). The serial
-- is on the connection's row, so one lookup joins a target's log line to the gateway's trail;
-- the upstream.connect event (hash-chained) carries it too, with the key id and the CA.
ALTER TABLE connections ADD COLUMN certificate_serial INTEGER;
CREATE INDEX connections_by_certificate_serial ON connections (certificate_serial)
    WHERE certificate_serial IS NOT NULL;

-- Serials only ever increase, across restarts: the gateway reserves them in blocks, and this
-- one row holds the highest serial ever reserved (a crash skips the rest of a block, never
-- reuses a serial).
CREATE TABLE certificate_serials (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    reserved_through  INTEGER NOT NULL
);
