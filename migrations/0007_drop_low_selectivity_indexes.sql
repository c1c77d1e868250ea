-- The writer maintains every index of `connections` and `sessions` for each row it writes,
-- and a connection's `result` changes as it goes (authenticated, then allowed or denied), so
-- the index by result is rewritten too. Organisation (two or three values) and result (a
-- handful) select so little that reading the newest rows by time and filtering is as fast:
-- 100 rows of one organisation are found among the newest ~200, 100 denials among the
-- newest ~1,300 (docs/performance.md has the query times with 1 million connections).
-- Dropping these four indexes takes their upkeep off the single writer thread.

DROP INDEX connections_by_organization;
DROP INDEX connections_by_result;
DROP INDEX sessions_by_organization;
DROP INDEX sessions_by_result;
