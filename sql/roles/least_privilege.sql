-- Least-privilege roles for the token worker's database. NOT a Flyway migration: creating roles needs CREATEROLE,
-- which the worker's own login should not have. An administrator applies it once, after the worker has created
-- its schema (its first `run`), and again after an upgrade that adds tables; applying it twice is harmless:
--
--   psql "postgresql://admin@db-host:5432/tokenworker" -v ON_ERROR_STOP=1 -f sql/roles/least_privilege.sql
--
-- Run it connected to the worker's database, with the worker's schema first on the search_path (the default
-- `public` unless you moved it). The roles are NOLOGIN groups: grant them to the logins that use them, e.g.
--
--   CREATE ROLE clinic_web LOGIN PASSWORD '...' IN ROLE tokenworker_web;
--   GRANT tokenworker_worker TO tokenworker;          -- the login in SPRING_DATASOURCE_USERNAME
--
-- tokenworker_web      the web tier: inserts codes, reads code and token status; never reads a token.
-- tokenworker_app      services that call Fullscript with the stored tokens: read them (they decrypt with
--                      TOKEN_ENCRYPTION_KEY), stamp last_used_at, ask for a revocation. Optional.
-- tokenworker_monitor  dashboards and `status`: the monitoring views, job tables, and the contract tables minus
--                      codes and ciphertexts.
-- tokenworker_worker   the worker: everything in the schema.
--
-- The script only adds grants; it never revokes what an administrator granted by hand.

DO $$
DECLARE
    role_name text;
BEGIN
    IF to_regclass('oauth_pending_code') IS NULL OR to_regclass('batch_job_execution') IS NULL
            OR to_regclass('tokenworker_health') IS NULL THEN
        RAISE EXCEPTION 'the token worker schema is not in database % (search_path %)', current_database(),
            current_setting('search_path')
            USING HINT = 'Start the worker once so its migrations create it, or connect to the right database.';
    END IF;
    FOREACH role_name IN ARRAY ARRAY['tokenworker_web', 'tokenworker_app', 'tokenworker_monitor',
                                     'tokenworker_worker']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
        END IF;
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO tokenworker_web, tokenworker_app, tokenworker_monitor',
                   current_schema());
    -- Later migrations create tables and views in the same schema.
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO tokenworker_worker', current_schema());
    EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %I TO tokenworker_worker', current_schema());
    EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO tokenworker_worker', current_schema());
    -- The oauth_pending_code identity sequence; nextval through an identity column needs no grant, an explicit
    -- nextval() by the web tier would.
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO tokenworker_web',
                   pg_get_serial_sequence('oauth_pending_code', 'id'));
END
$$;

-- The web tier inserts a code with the columns that are its to set; status, attempts, leases and the rest stay
-- the worker's. SELECT on the whole row lets it find its row by code and follow its status.
GRANT INSERT (code, region, redirect_uri, app_user_ref, received_at) ON oauth_pending_code TO tokenworker_web;
GRANT SELECT ON oauth_pending_code TO tokenworker_web;
-- Token status only: no ciphertext, key id, scope, redirect_uri or worker bookkeeping.
GRANT SELECT (id, region, resource_owner_type, resource_owner_id, app_user_ref, status, expires_at, refresh_due_at,
              last_used_at, updated_at)
    ON oauth_token TO tokenworker_web;

-- A service holding TOKEN_ENCRYPTION_KEY reads the whole row. It may write last_used_at (the recently-used
-- refresh policy reads it) and status, to set REVOKE_REQUESTED, which the worker then carries out. A column grant
-- cannot say which value: the check constraint keeps status to the five names, and the contract (README) is that
-- the app writes no status other than REVOKE_REQUESTED. updated_at goes with them so a change is dated.
GRANT SELECT ON oauth_token TO tokenworker_app;
GRANT UPDATE (last_used_at, status, updated_at) ON oauth_token TO tokenworker_app;

-- Monitoring: the views (they run with their owner's rights, so nothing else is needed for them), plus the
-- columns `status` reads itself.
GRANT SELECT ON tokenworker_code_summary, tokenworker_recent_code_failures, tokenworker_token_summary,
                tokenworker_recent_executions, tokenworker_unfinished_executions, tokenworker_stuck_executions,
                tokenworker_health
    TO tokenworker_monitor;
GRANT SELECT (id, region, redirect_uri, app_user_ref, received_at, status, last_error, token_id, attempts,
              next_attempt_at, lease_owner, lease_until, last_request_id, finished_at)
    ON oauth_pending_code TO tokenworker_monitor;
GRANT SELECT (id, region, resource_owner_type, resource_owner_id, app_user_ref, scope, token_type, issued_at,
              expires_at, status, refresh_due_at, last_used_at, version, refresh_attempts, next_refresh_at,
              lease_owner, lease_until, last_error, created_at, updated_at, encryption_key_id)
    ON oauth_token TO tokenworker_monitor;
-- V11_1: what the worker learnt about its credentials and which key ids it holds (no secret in either), which
-- status reads to name refused regions and undecryptable tokens.
GRANT SELECT ON oauth_credential_check, tokenworker_encryption_keys TO tokenworker_monitor;
-- V12: a revocation's own bookkeeping, and the queue of grants to revoke without its ciphertexts.
GRANT SELECT (revoke_attempts, next_revoke_at, held_back_key_id) ON oauth_token TO tokenworker_monitor;
GRANT SELECT (id, region, resource_owner_type, resource_owner_id, token_id, reason, encryption_key_id, attempts,
              next_attempt_at, last_error, last_request_id, held_back_key_id, lease_owner, lease_until, created_at)
    ON oauth_grant_revocation TO tokenworker_monitor;
GRANT SELECT ON batch_job_instance, batch_job_execution, batch_job_execution_params, batch_step_execution,
                tokenworker_throttle
    TO tokenworker_monitor;
