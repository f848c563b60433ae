-- The refresh pipeline (flagExpiringTokens, refreshTokens, revokeTokens); see README "Token expiry and refresh".

-- Fullscript support asks for the X-Request-Id of a failed call; last_error says what failed, this says which call.
ALTER TABLE oauth_token ADD COLUMN last_request_id text;

-- A revoked row holds no token: the revocation wipes both ciphertexts in the same statement that sets REVOKED.
ALTER TABLE oauth_token ADD CONSTRAINT oauth_token_revoked_wiped_ck
    CHECK (status <> 'REVOKED' OR (access_token_ciphertext IS NULL AND refresh_token_ciphertext IS NULL));
