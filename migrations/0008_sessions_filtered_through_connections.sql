-- `sessions` copies its connection's user, target and ticket, and had its own index on each.
-- Every batch of the writer added an entry to all three for every new session: with the
-- `connections` indexes on the same columns, a third of the index pages a commit writes to the
-- log. Session queries by user, organization, target, login or ticket now select the sessions
-- of the matching connections, through the indexes of `connections` (as `events` queries do)
-- and `sessions (connection_id)`.

DROP INDEX sessions_by_user;
DROP INDEX sessions_by_target;
DROP INDEX sessions_by_ticket;
