-- Every grant the worker obtained and no longer keeps is revoked at Fullscript (issue 9, hole 3), and a revocation
-- has a retry schedule of its own (hole 11) and is not kept waiting for a key another worker holds (hole 7).
-- Fail fast rather than queue behind a long transaction on oauth_token (see V8).
SET LOCAL lock_timeout = '5s';

-- Grants the worker holds no more, waiting to be revoked at Fullscript by step revokeTokens. A row is written in
-- the same transaction that lets go of the grant, and deleted, tokens and all, once Fullscript confirmed the
-- revocation: every row is work still to do.
--   REAUTHORIZED          the user authorized again; the row's previous grant was replaced in place
--   REVOKE_REQUESTED      as REAUTHORIZED, but the application had asked to revoke the previous grant: the new
--                         authorization is the user's latest word and becomes ACTIVE, the request is kept here
--   OLDER_AUTHORIZATION   an exchange whose grant is older than the one stored (a late writer): never stored
--   REFRESH_SUPERSEDED    a refreshed pair that lost the version race (a new authorization, another refresh, a
--                         revocation stored first): never stored
CREATE TABLE oauth_grant_revocation (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region                    text        NOT NULL,
    resource_owner_type       text        NOT NULL,
    resource_owner_id         text        NOT NULL,
    -- The oauth_token row the grant belonged to, for the operator (no foreign key: purging REVOKED tokens must not
    -- wait on this table, and the grant needs revoking whether the row is there or not).
    token_id                  bigint,
    reason                    text        NOT NULL,
    -- Encrypted exactly as an oauth_token row of the same user (same key ids, same associated data: region, owner
    -- type, owner id, field; docs/ciphertext.md): a replaced grant moves here byte for byte, never decrypted.
    access_token_ciphertext   bytea,
    refresh_token_ciphertext  bytea,
    encryption_key_id         text        NOT NULL,
    attempts                  integer     NOT NULL DEFAULT 0,
    -- NULL: due at once.
    next_attempt_at           timestamptz,
    last_error                text,
    last_request_id           text,
    -- Set when a worker could not decrypt the row because it lacks this key: any worker holding it takes the row
    -- at once instead of after the hold-back.
    held_back_key_id          text,
    lease_owner               text,
    lease_until               timestamptz,
    created_at                timestamptz NOT NULL,
    CONSTRAINT oauth_grant_revocation_reason_ck
        CHECK (reason IN ('REAUTHORIZED', 'REVOKE_REQUESTED', 'OLDER_AUTHORIZATION', 'REFRESH_SUPERSEDED')),
    CONSTRAINT oauth_grant_revocation_token_ck
        CHECK (access_token_ciphertext IS NOT NULL OR refresh_token_ciphertext IS NOT NULL)
);

-- The claim finds due rows through it. No WHERE: a revoked grant's row is deleted, so every row is still to be
-- revoked, and "due" moves with now(), which an index predicate cannot name.
CREATE INDEX oauth_grant_revocation_due_idx ON oauth_grant_revocation (next_attempt_at NULLS FIRST, id);

-- A revocation's own retry schedule: it no longer waits behind a refresh backoff (up to 10 minutes) or counts in
-- the refresh attempts.
ALTER TABLE oauth_token ADD COLUMN revoke_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE oauth_token ADD COLUMN next_revoke_at timestamptz;
-- See oauth_grant_revocation.held_back_key_id.
ALTER TABLE oauth_token ADD COLUMN held_back_key_id text;

-- Revocations already backing off keep their place and count.
UPDATE oauth_token SET revoke_attempts = refresh_attempts, next_revoke_at = next_refresh_at
WHERE status = 'REVOKE_REQUESTED';
