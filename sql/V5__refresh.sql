-- The refresh pipeline (flagExpiringTokens, refreshTokens, revokeTokens); see README "Token expiry and refresh".

-- Fullscript support asks for the X-Request-Id of a failed call; last_error says what failed, this says which call.
ALTER TABLE oauth_token ADD COLUMN last_request_id text;

-- A revoked row holds no token: the revocation wipes both ciphertexts in the same statement that sets REVOKED.
ALTER TABLE oauth_token ADD CONSTRAINT oauth_token_revoked_wiped_ck
    CHECK (status <> 'REVOKED' OR (access_token_ciphertext IS NULL AND refresh_token_ciphertext IS NULL));

-- The refresh claim walks due rows by expiry. Under the recently-used policy, idle tokens stay ACTIVE past their
-- expiry, at the front of oauth_token_expires_idx; this index keeps every claim from stepping over all of them.
CREATE INDEX oauth_token_refresh_due_idx ON oauth_token (expires_at, id) WHERE status = 'REFRESH_DUE';
