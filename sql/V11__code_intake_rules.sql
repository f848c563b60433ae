-- What anyone with INSERT on oauth_pending_code can write, checked where it is written: a clear, named error at the
-- insert instead of a row the worker sends, fails or keeps retrying. See docs/web-tier-inserts.md.
SET LOCAL lock_timeout = '5s';

-- Rows already waiting that the new rules refuse end the way the worker would have ended them, so that the
-- constraints below hold for every live row.
UPDATE oauth_pending_code
SET status = 'FAILED', code = NULL, lease_owner = NULL, lease_until = NULL, finished_at = now(),
    last_error = CASE WHEN btrim(code) = '' THEN 'empty code: nothing to exchange'
                      ELSE 'code longer than 1024 bytes: not a Fullscript authorization code' END
WHERE status IN ('PENDING', 'EXCHANGING')
  AND (btrim(code) = '' OR octet_length(code) > 1024);

UPDATE oauth_pending_code SET region = lower(btrim(region))
WHERE region <> lower(btrim(region)) AND lower(btrim(region)) IN ('us', 'ca');

UPDATE oauth_pending_code
SET status = 'FAILED', code = NULL, lease_owner = NULL, lease_until = NULL, finished_at = now(),
    last_error = 'unknown region: only us and ca exist'
WHERE status IN ('PENDING', 'EXCHANGING') AND region NOT IN ('us', 'ca');

UPDATE oauth_pending_code SET received_at = now()
WHERE status IN ('PENDING', 'EXCHANGING') AND received_at > now();

-- A blank code is not a code: Fullscript could only answer invalid_grant, after the worker spent a request on it.
ALTER TABLE oauth_pending_code ADD CONSTRAINT oauth_pending_code_code_not_blank_ck
    CHECK (btrim(code) <> '');

-- Fullscript's codes are 43 characters. 1024 bytes leaves room for any other format while staying far below
-- the 2,704-byte btree limit of the unique index on code (a longer code used to fail with a raw "index row size"
-- error) and below any request-size limit in front of Fullscript (a 100 KB code got 413 and was retried).
ALTER TABLE oauth_pending_code ADD CONSTRAINT oauth_pending_code_code_length_ck
    CHECK (octet_length(code) <= 1024);

-- Exactly the README's values: 'US' or ' us' is refused at the insert, not silently accepted by one reader and
-- refused by another. NOT VALID + VALIDATE when possible: a final row written before this rule (an 'eu' row that
-- ended FAILED "unknown region") is history, not a reason to refuse the upgrade.
ALTER TABLE oauth_pending_code ADD CONSTRAINT oauth_pending_code_region_ck
    CHECK (region IN ('us', 'ca')) NOT VALID;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM oauth_pending_code WHERE region NOT IN ('us', 'ca')) THEN
        ALTER TABLE oauth_pending_code VALIDATE CONSTRAINT oauth_pending_code_region_ck;
    END IF;
END
$$;

-- The web tier's retried insert (hole 2): the unique index on code only holds while the row is waiting, because
-- a final row wipes its code. The SHA-256 of the code stays on the row until the history purge deletes it
-- (TOKENWORKER_HISTORY_RETENTION, at least a day: far beyond the code's 10-minute life), so an insert of a code
-- already seen conflicts here and `ON CONFLICT DO NOTHING` makes it a no-op. The hash of a dead single-use code
-- of 256 random bits reveals nothing.
ALTER TABLE oauth_pending_code ADD COLUMN code_sha256 bytea;
UPDATE oauth_pending_code SET code_sha256 = sha256(convert_to(code, 'UTF8')) WHERE code IS NOT NULL;
CREATE UNIQUE INDEX oauth_pending_code_code_sha256_uk ON oauth_pending_code (code_sha256);

-- One BEFORE trigger for the intake rules that a constraint cannot express. Named after what it guards, so it is
-- not confused with other triggers on this table (PostgreSQL fires them in name order; this one only rewrites
-- NEW and never looks at what another trigger does).
CREATE FUNCTION oauth_pending_code_intake() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    -- The hash is the database's to compute: whatever the writer put there is replaced. A worker wiping the code
    -- of a final row keeps the hash of the code it had.
    IF NEW.code IS NOT NULL THEN
        NEW.code_sha256 := sha256(convert_to(NEW.code, 'UTF8'));
    ELSIF TG_OP = 'UPDATE' THEN
        NEW.code_sha256 := OLD.code_sha256;
    END IF;
    -- A code's 10 minutes run from received_at. A received_at in the future (a web tier's clock ahead, or a
    -- hostile row) would keep a dead code retried for as long: it is clamped to the moment the database first
    -- saw the row, and can only ever move earlier afterwards. Clamping rather than refusing: a skewed web server
    -- must not lose a user's code.
    IF TG_OP = 'INSERT' THEN
        NEW.received_at := LEAST(NEW.received_at, now());
    ELSE
        NEW.received_at := LEAST(NEW.received_at, OLD.received_at);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER oauth_pending_code_intake_trg
    BEFORE INSERT OR UPDATE OF code, code_sha256, received_at ON oauth_pending_code
    FOR EACH ROW EXECUTE FUNCTION oauth_pending_code_intake();
