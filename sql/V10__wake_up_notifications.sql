-- Wake-ups through LISTEN/NOTIFY (docs/notifications.md). In triggers, so that every writer notifies: the web
-- tier, an operator's psql, another pipeline. A notification is only a hint that work may be waiting; the worker's
-- interval stays the path that guarantees it is done. NOTIFY is delivered at commit, never for a rolled-back row.

-- Channel tokenworker_work: a code to exchange, or a token to revoke. The payload names the kind only and is the
-- same for every row, so PostgreSQL sends one notification per transaction and kind however many rows it wrote.
CREATE FUNCTION tokenworker_notify_work() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('tokenworker_work', json_build_object('kind', TG_ARGV[0])::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER oauth_pending_code_notify_work
    AFTER INSERT ON oauth_pending_code
    FOR EACH ROW WHEN (NEW.status = 'PENDING')
    EXECUTE FUNCTION tokenworker_notify_work('code');

CREATE TRIGGER oauth_token_notify_revoke
    AFTER UPDATE OF status ON oauth_token
    FOR EACH ROW WHEN (NEW.status = 'REVOKE_REQUESTED' AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION tokenworker_notify_work('revoke');

CREATE TRIGGER oauth_token_notify_revoke_insert
    AFTER INSERT ON oauth_token
    FOR EACH ROW WHEN (NEW.status = 'REVOKE_REQUESTED')
    EXECUTE FUNCTION tokenworker_notify_work('revoke');

-- Channel oauth_code_final, for the web tier: a code became EXCHANGED, FAILED or EXPIRED. The payload is the row id
-- and the status only, as JSON ({"id": 42, "status": "EXCHANGED"}): never the code, which a final row no longer
-- holds anyway, and nothing anyone listening on the database could misuse.
CREATE FUNCTION tokenworker_notify_code_final() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('oauth_code_final', json_build_object('id', NEW.id, 'status', NEW.status)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER oauth_pending_code_notify_final
    AFTER UPDATE OF status ON oauth_pending_code
    FOR EACH ROW WHEN (NEW.status IN ('EXCHANGED', 'FAILED', 'EXPIRED') AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION tokenworker_notify_code_final();
