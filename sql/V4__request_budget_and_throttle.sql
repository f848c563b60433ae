-- Bucket4j keeps the shared request budget here (one row per bucket; state is Bucket4j's own serialisation).
CREATE TABLE tokenworker_rate_bucket (
    id          bigint PRIMARY KEY,
    state       bytea,
    expires_at  bigint
);

-- A 429 from Fullscript pauses every worker process, not just the one that saw it.
CREATE TABLE tokenworker_throttle (
    id            smallint PRIMARY KEY CHECK (id = 1),
    paused_until  timestamptz NOT NULL,
    reason        text
);
INSERT INTO tokenworker_throttle (id, paused_until, reason) VALUES (1, 'epoch', NULL);
