-- What the worker last learnt about each region's client credentials (step verifyCredentials, every
-- TOKENWORKER_CREDENTIAL_CHECK_INTERVAL, and any call refused with invalid_client). One row per region, replaced by
-- every check: `status` reads it to name a region whose credentials Fullscript refuses, even while nothing is
-- pending and no call would find out.
CREATE TABLE oauth_credential_check (
    region          text        PRIMARY KEY,
    -- NULL until the first check of the row's credentials has an answer.
    outcome         text,
    checked_at      timestamptz,
    detail          text,
    request_id      text,
    checked_by      text,
    -- Which credentials the outcome is about: the first 8 bytes of SHA-256(client_id, SHA-256(client_secret)), hex.
    -- A worker configured with other credentials checks at once instead of trusting someone else's answer.
    credentials_id  text        NOT NULL,
    -- The next check is due then; a worker claims a check by moving it forward, so workers starting together
    -- send one request, not one each.
    next_check_at   timestamptz NOT NULL,
    CONSTRAINT oauth_credential_check_region_ck CHECK (region IN ('us', 'ca')),
    CONSTRAINT oauth_credential_check_outcome_ck
        CHECK (outcome IN ('ACCEPTED', 'REJECTED', 'UNREACHABLE', 'UNEXPECTED'))
);

-- The encryption key ids the last worker to start could use (hole 7): `status` runs without the keys, so it
-- compares the key id of every live token with this list to name the rows no worker can decrypt.
CREATE TABLE tokenworker_encryption_keys (
    id              integer     PRIMARY KEY DEFAULT 1,
    current_key_id  text        NOT NULL,
    key_ids         text[]      NOT NULL,
    recorded_at     timestamptz NOT NULL,
    recorded_by     text        NOT NULL,
    CONSTRAINT tokenworker_encryption_keys_one_row_ck CHECK (id = 1)
);
