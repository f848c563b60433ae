-- Views for dashboards and alerts (README "Monitoring"). None of them shows a code or a token ciphertext, so a
-- monitoring login can be given SELECT on the views alone (sql/roles/least_privilege.sql: tokenworker_monitor).
--
-- Time: ages are measured against the database's now(), not the worker's clock. That is right for dashboards,
-- and a few seconds of skew between database and worker do not matter at these scales; `status` measures with
-- the worker's own clock instead.
-- Spring Batch stamps its tables (timestamp without time zone) with the worker JVM's local wall clock; the worker
-- pins its JVM to UTC (cli.Main), so Batch times are read here AT TIME ZONE 'UTC'.

-- One row per code status, every status present even at zero so a dashboard panel never goes blank.
CREATE VIEW tokenworker_code_summary AS
SELECT s.status,
       count(c.id)                                                              AS codes,
       min(c.received_at)                                                       AS oldest_received_at,
       CASE WHEN s.status IN ('PENDING', 'EXCHANGING')
            THEN min(c.received_at) + interval '10 minutes' END                 AS oldest_deadline_at,
       CASE WHEN s.status IN ('PENDING', 'EXCHANGING')
            THEN floor(extract(epoch FROM min(c.received_at) + interval '10 minutes' - now()))::bigint
            END                                                                 AS oldest_seconds_left,
       count(c.id) FILTER (WHERE c.finished_at > now() - interval '1 hour')     AS finished_last_hour
FROM (VALUES (1, 'PENDING'), (2, 'EXCHANGING'), (3, 'EXCHANGED'), (4, 'EXPIRED'), (5, 'FAILED'))
         AS s(position, status)
LEFT JOIN oauth_pending_code c ON c.status = s.status
GROUP BY s.position, s.status
ORDER BY s.position;

-- Codes that ended badly in the last 24 hours, newest first; last_error is already free of secrets.
CREATE VIEW tokenworker_recent_code_failures AS
SELECT id, status, region, app_user_ref, received_at, finished_at, attempts, last_error, last_request_id
FROM oauth_pending_code
WHERE status IN ('EXPIRED', 'FAILED')
  AND finished_at > now() - interval '24 hours'
ORDER BY finished_at DESC, id DESC;

-- One row per token status. access_token_expired counts rows whose access token is past expires_at: normal for
-- REAUTH_REQUIRED, and for idle tokens under TOKENWORKER_REFRESH_POLICY=recently-used, a backlog otherwise.
CREATE VIEW tokenworker_token_summary AS
SELECT s.status,
       count(t.id)                                                              AS tokens,
       count(t.id) FILTER (WHERE t.expires_at <= now())                         AS access_token_expired,
       min(t.refresh_due_at)                                                    AS oldest_refresh_due_at,
       count(t.id) FILTER (WHERE t.last_error IS NOT NULL)                      AS with_error,
       COALESCE(max(t.refresh_attempts), 0)                                     AS max_refresh_attempts,
       count(t.id) FILTER (WHERE t.updated_at > now() - interval '1 hour')      AS changed_last_hour
FROM (VALUES (1, 'ACTIVE'), (2, 'REFRESH_DUE'), (3, 'REAUTH_REQUIRED'), (4, 'REVOKE_REQUESTED'), (5, 'REVOKED'))
         AS s(position, status)
LEFT JOIN oauth_token t ON t.status = s.status
GROUP BY s.position, s.status
ORDER BY s.position;

-- tokenMaintenanceJob executions created in the last 24 hours, newest first, with their steps folded into one row.
-- last_heartbeat is the latest write to the execution or any of its steps: a step commits after every pass.
CREATE VIEW tokenworker_recent_executions AS
SELECT e.job_execution_id,
       e.status,
       e.exit_code,
       split_part(e.exit_message, E'\n', 1)                                     AS exit_message,
       e.start_time AT TIME ZONE 'UTC'                                          AS started_at,
       e.end_time AT TIME ZONE 'UTC'                                            AS ended_at,
       e.end_time - e.start_time                                                AS duration,
       GREATEST(e.create_time, e.start_time, e.last_updated, st.last_updated) AT TIME ZONE 'UTC'
                                                                                AS last_heartbeat,
       (SELECT p.parameter_value FROM batch_job_execution_params p
        WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = 'launchedBy') AS launched_by,
       COALESCE(st.read_count, 0)                                               AS read_count,
       COALESCE(st.write_count, 0)                                              AS write_count,
       COALESCE(st.filter_count, 0)                                             AS filter_count,
       st.steps
FROM batch_job_execution e
JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
LEFT JOIN LATERAL (
    SELECT sum(s.read_count)   AS read_count,
           sum(s.write_count)  AS write_count,
           sum(s.filter_count) AS filter_count,
           max(s.last_updated) AS last_updated,
           string_agg(s.step_name || ' ' || s.status || ' read=' || s.read_count || ' write=' || s.write_count
                          || ' filter=' || s.filter_count
                          || COALESCE(': ' || NULLIF(split_part(s.exit_message, E'\n', 1), ''), ''),
                      '; ' ORDER BY s.step_execution_id) AS steps
    FROM batch_step_execution s
    WHERE s.job_execution_id = e.job_execution_id
) st ON true
WHERE i.job_name = 'tokenMaintenanceJob'
  AND e.create_time > (now() AT TIME ZONE 'UTC') - interval '24 hours'
ORDER BY e.job_execution_id DESC;

-- Executions that have not ended (any age), with how long they have been silent.
CREATE VIEW tokenworker_unfinished_executions AS
SELECT e.job_execution_id,
       e.status,
       e.start_time AT TIME ZONE 'UTC'                                          AS started_at,
       h.last_heartbeat,
       now() - h.last_heartbeat                                                 AS silent_for,
       (SELECT p.parameter_value FROM batch_job_execution_params p
        WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = 'launchedBy') AS launched_by
FROM batch_job_execution e
JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
CROSS JOIN LATERAL (
    SELECT GREATEST(e.create_time, e.start_time, e.last_updated,
                    (SELECT max(s.last_updated) FROM batch_step_execution s
                     WHERE s.job_execution_id = e.job_execution_id)) AT TIME ZONE 'UTC' AS last_heartbeat
) h
WHERE i.job_name = 'tokenMaintenanceJob'
  AND e.end_time IS NULL
  AND e.status IN ('STARTING', 'STARTED', 'STOPPING');

-- Unfinished and silent for longer than 5 minutes, the default TOKENWORKER_MAX_RUN_DURATION. With another value,
-- filter tokenworker_unfinished_executions on silent_for instead.
CREATE VIEW tokenworker_stuck_executions AS
SELECT *
FROM tokenworker_unfinished_executions
WHERE silent_for > interval '5 minutes';

-- One row answering "is it healthy, and what is waiting?": the figures `status` judges, as raw numbers, so
-- alert rules can apply their own thresholds.
CREATE VIEW tokenworker_health AS
SELECT (SELECT count(*) FROM oauth_pending_code
        WHERE status IN ('PENDING', 'EXCHANGING'))                                       AS waiting_codes,
       (SELECT floor(extract(epoch FROM min(received_at) + interval '10 minutes' - now()))::bigint
        FROM oauth_pending_code WHERE status IN ('PENDING', 'EXCHANGING'))             AS oldest_waiting_seconds_left,
       (SELECT count(*) FROM oauth_pending_code
        WHERE status = 'EXPIRED' AND finished_at > now() - interval '1 hour')              AS expired_last_hour,
       (SELECT count(*) FROM oauth_pending_code
        WHERE status = 'FAILED' AND finished_at > now() - interval '1 hour')               AS failed_last_hour,
       (SELECT count(*) FROM oauth_token WHERE status = 'REFRESH_DUE')                     AS refresh_due_tokens,
       (SELECT count(*) FROM oauth_token WHERE status = 'REAUTH_REQUIRED')                 AS reauth_required_tokens,
       (SELECT count(*) FROM oauth_token
        WHERE status = 'REAUTH_REQUIRED' AND updated_at > now() - interval '1 hour')       AS reauth_required_last_hour,
       r.last_completed_at,
       floor(extract(epoch FROM now() - r.last_completed_at))::bigint                  AS seconds_since_completed_run,
       (SELECT count(*) FROM tokenworker_unfinished_executions)                            AS unfinished_executions,
       (SELECT count(*) FROM tokenworker_stuck_executions)                                 AS stuck_executions,
       (SELECT paused_until FROM tokenworker_throttle
        WHERE id = 1 AND paused_until > now())                                             AS throttled_until
FROM (SELECT max(e.end_time) AT TIME ZONE 'UTC' AS last_completed_at
      FROM batch_job_execution e
      JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
      WHERE i.job_name = 'tokenMaintenanceJob' AND e.status = 'COMPLETED') r;
