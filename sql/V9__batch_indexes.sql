-- Fail fast rather than queue behind a long transaction on the tables it indexes: a queued ALTER or CREATE INDEX blocks every
-- later reader and writer of the table (the web tier, the services reading tokens) until it gets its lock. A
-- migration that times out is rolled back and tried again at the next start.
SET LOCAL lock_timeout = '5s';

-- Indexes Spring Batch's shipped DDL leaves out, and those the history purge (step purgeHistory) needs.
--
-- Without them every lookup by a foreign key is a sequential scan, and a daemon at PT15S adds about 5,760 job
-- executions and 23,000 step executions a day: each step start (getLastStepExecution, getStepExecutionCount),
-- each Quartz fire (findRunningJobExecutions), `status` and the monitoring views got slower every day. Measured
-- on 180,000 executions (README "History retention"): the step lookup by execution went from 45 ms to 0.1 ms,
-- status's recent executions from 965 ms to 0.1 ms, tokenworker_recent_executions from 1.9 s to 0.3 ms.
--
-- Plain CREATE INDEX, inside Flyway's transaction: it blocks writes to the tables while it builds, once; measured
-- 0.7 s for all of them on 180,000 executions (900,000 step rows, 300,000 codes). CONCURRENTLY would need a
-- non-transactional migration, and one that fails halfway leaves an INVALID index behind that a rerun does not
-- repair (it fails on the name taken, or IF NOT EXISTS skips it). Nothing is dropped.

-- Batch: every read of an execution's steps (GET_STEP_EXECUTIONS, the heartbeat of status and the views, the
-- purge), and the step-restart checks that join executions to their steps.
CREATE INDEX batch_step_execution_job_execution_idx ON batch_step_execution (job_execution_id);

-- Batch: executions of an instance (getLastJobExecution, getLastStepExecution, getStepExecutionCount), and the
-- purge's "instance left without executions".
CREATE INDEX batch_job_execution_instance_idx ON batch_job_execution (job_instance_id);

-- Batch: the parameters of an execution (read with every execution; status and the views read launchedBy).
CREATE INDEX batch_job_execution_params_execution_idx ON batch_job_execution_params (job_execution_id);

-- tokenworker_recent_executions (the last 24 hours) and the purge, which walks executions oldest first.
CREATE INDEX batch_job_execution_create_time_idx ON batch_job_execution (create_time);

-- Running executions: findRunningJobExecutions before every scheduled launch and at every start, status's and the
-- views' unfinished executions. A handful of rows whatever the history's size.
CREATE INDEX batch_job_execution_running_idx ON batch_job_execution (job_instance_id)
    WHERE status IN ('STARTING', 'STARTED', 'STOPPING');

-- The purge of REVOKED tokens (step purgeHistory): found by when they were revoked, without scanning every token.
CREATE INDEX oauth_token_revoked_idx ON oauth_token (updated_at) WHERE status = 'REVOKED';

-- Deleting a token sets oauth_pending_code.token_id to NULL on the codes that point at it (ON DELETE SET NULL).
-- Without an index that is a scan of the whole code table per token: measured 18 ms per token on 300,000 codes,
-- 3.7 s for 200 tokens; 0.8 ms for the 200 with it.
CREATE INDEX oauth_pending_code_token_idx ON oauth_pending_code (token_id) WHERE token_id IS NOT NULL;
