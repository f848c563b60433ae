-- The two contract tables. The web tier writes oauth_pending_code and reads statuses; the worker owns everything
-- else. Never drop or rename a column here: other teams depend on these names.

CREATE TABLE oauth_token (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region                    text        NOT NULL,
    resource_owner_type       text        NOT NULL,
    resource_owner_id         text        NOT NULL,
    app_user_ref              text,
    scope                     text,
    token_type                text        NOT NULL DEFAULT 'Bearer',
    -- AES-256-GCM, see README "Ciphertext format"; plaintext tokens are never stored.
    access_token_ciphertext   bytea,
    refresh_token_ciphertext  bytea,
    encryption_key_id         text,
    -- Refresh and revocation must present the redirect_uri that obtained the token.
    redirect_uri              text,
    issued_at                 timestamptz NOT NULL,
    expires_at                timestamptz NOT NULL,
    status                    text        NOT NULL DEFAULT 'ACTIVE',
    refresh_due_at            timestamptz,
    last_used_at              timestamptz,
    version                   bigint      NOT NULL DEFAULT 0,
    -- Worker-owned bookkeeping for the refresh pipeline.
    refresh_attempts          integer     NOT NULL DEFAULT 0,
    next_refresh_at           timestamptz,
    lease_owner               text,
    lease_until               timestamptz,
    last_error                text,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT oauth_token_owner_uk UNIQUE (region, resource_owner_type, resource_owner_id),
    CONSTRAINT oauth_token_status_ck
        CHECK (status IN ('ACTIVE', 'REFRESH_DUE', 'REAUTH_REQUIRED', 'REVOKE_REQUESTED', 'REVOKED'))
);

CREATE TABLE oauth_pending_code (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Set to NULL once the row is final, so a used or dead code never lingers in the database.
    code             text,
    region           text        NOT NULL DEFAULT 'us',
    redirect_uri     text        NOT NULL,
    app_user_ref     text,
    received_at      timestamptz NOT NULL DEFAULT now(),
    status           text        NOT NULL DEFAULT 'PENDING',
    last_error       text,
    token_id         bigint REFERENCES oauth_token (id) ON DELETE SET NULL,
    -- Worker-owned columns.
    attempts         integer     NOT NULL DEFAULT 0,
    -- NULL: due at once (no database-clock default, so clock skew between database and worker never delays a code).
    next_attempt_at  timestamptz,
    lease_owner      text,
    lease_until      timestamptz,
    last_request_id  text,
    finished_at      timestamptz,
    CONSTRAINT oauth_pending_code_status_ck
        CHECK (status IN ('PENDING', 'EXCHANGING', 'EXCHANGED', 'EXPIRED', 'FAILED')),
    -- Only a row still waiting for its exchange holds a code; a final row never does.
    CONSTRAINT oauth_pending_code_code_ck
        CHECK ((status IN ('PENDING', 'EXCHANGING')) = (code IS NOT NULL))
);

-- Unique while not null: a retried insert of the same redirect can use ON CONFLICT DO NOTHING.
CREATE UNIQUE INDEX oauth_pending_code_code_uk ON oauth_pending_code (code) WHERE code IS NOT NULL;

-- Finding work never scans final rows: the index only holds rows that still need the worker.
CREATE INDEX oauth_pending_code_due_idx ON oauth_pending_code (received_at)
    WHERE status IN ('PENDING', 'EXCHANGING');

CREATE INDEX oauth_pending_code_finished_idx ON oauth_pending_code (finished_at)
    WHERE finished_at IS NOT NULL;

CREATE INDEX oauth_token_expires_idx ON oauth_token (expires_at)
    WHERE status IN ('ACTIVE', 'REFRESH_DUE');

CREATE INDEX oauth_token_revoke_idx ON oauth_token (id)
    WHERE status = 'REVOKE_REQUESTED';
