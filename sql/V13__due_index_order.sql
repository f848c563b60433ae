-- Claims take due codes in (received_at, id) order, but the index that finds them held received_at alone. Codes
-- that share a receipt time (one web tier transaction, a bulk insert, a backlog replayed after an outage) came out
-- of the index as one group that every claim then sorted by id in full: the claim slowed as that group grew (about
-- 8 ms for a claim of one row at 100,000 waiting codes). With id in the index, a claim reads its rows in order and
-- stops. Same name, same rows (PENDING and EXCHANGING only). Built without CONCURRENTLY, as in V9: the web tier's
-- inserts wait while the build reads the table once.
-- Fail fast rather than queue behind a long transaction on oauth_pending_code (see V8).
SET LOCAL lock_timeout = '5s';

DROP INDEX oauth_pending_code_due_idx;
CREATE INDEX oauth_pending_code_due_idx ON oauth_pending_code (received_at, id)
    WHERE status IN ('PENDING', 'EXCHANGING');
