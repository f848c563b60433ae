-- Fail fast rather than queue behind a long transaction on oauth_token: a queued ALTER or CREATE INDEX blocks every
-- later reader and writer of the table (the web tier, the services reading tokens) until it gets its lock. A
-- migration that times out is rolled back and tried again at the next start.
SET LOCAL lock_timeout = '5s';

-- When the user last authorized the app (the created_at of the exchange's grant). A refresh moves issued_at but
-- never this: it orders two authorizations of the same user (the newer one wins the row) without a refresh of
-- the older grant getting in the way, and under the recently-used policy it stands in for last_used_at until
-- the application sets that.
ALTER TABLE oauth_token ADD COLUMN authorized_at timestamptz;
UPDATE oauth_token SET authorized_at = created_at;
-- The worker always sets it; the default serves rows written by anyone else (a migration, an import).
ALTER TABLE oauth_token ALTER COLUMN authorized_at SET DEFAULT now();
ALTER TABLE oauth_token ALTER COLUMN authorized_at SET NOT NULL;

-- Under the recently-used policy the flag skips idle tokens by this expression; without an index every run
-- would walk all idle, long-expired ACTIVE tokens.
CREATE INDEX oauth_token_recently_used_idx ON oauth_token ((COALESCE(last_used_at, authorized_at)), expires_at)
    WHERE status = 'ACTIVE';
