package com.clinic.tokenworker.support;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * History as months of runs leave it, written straight into the tables: executions with everything Batch stores
 * with them (parameters, contexts, five steps with their contexts), and final codes. Running the job a thousand
 * times would take minutes; these inserts take a second.
 */
public final class JobHistoryFixture {

    public static final String JOB = "tokenMaintenanceJob";
    private static final List<String> STEPS = List.of("exchangeCodes", "flagExpiringTokens", "refreshTokens",
            "revokeTokens", "purgeHistory");

    private final JdbcClient jdbc;

    public JobHistoryFixture(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code count} executions of {@code job} created at {@code createdAt}; {@code endedAt} null leaves them open. */
    public List<Long> executions(String job, int count, String status, Instant createdAt, Instant endedAt) {
        List<Long> executions = next("batch_job_execution_seq", count);
        List<Long> instances = next("batch_job_instance_seq", count);
        List<Long> steps = next("batch_step_execution_seq", count * STEPS.size());
        jdbc.sql("""
                        INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key)
                        SELECT i, 0, :job, md5(:job || i) FROM unnest(CAST(:instances AS bigint[])) AS i""")
                .param("job", job).param("instances", instances.toArray(Long[]::new)).update();
        jdbc.sql("""
                        INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time,
                            start_time, end_time, status, exit_code, exit_message, last_updated)
                        SELECT e, 2, i, :created, :created, :ended, :status, :status, '', COALESCE(:ended, :created)
                        FROM unnest(CAST(:executions AS bigint[]), CAST(:instances AS bigint[])) AS x(e, i)""")
                .param("executions", executions.toArray(Long[]::new))
                .param("instances", instances.toArray(Long[]::new))
                .param("created", batchTime(createdAt))
                .param("ended", batchTime(endedAt))
                .param("status", status)
                .update();
        jdbc.sql("""
                        INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type,
                            parameter_value, identifying)
                        SELECT e, p, 'java.lang.String', p || '-' || e, 'Y'
                        FROM unnest(CAST(:executions AS bigint[])) AS e,
                             unnest(ARRAY['fireTime', 'launchedBy', 'launchNumber']) AS p""")
                .param("executions", executions.toArray(Long[]::new)).update();
        jdbc.sql("""
                        INSERT INTO batch_job_execution_context (job_execution_id, short_context)
                        SELECT e, '{}' FROM unnest(CAST(:executions AS bigint[])) AS e""")
                .param("executions", executions.toArray(Long[]::new)).update();
        jdbc.sql("""
                        INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id,
                            create_time, start_time, end_time, status, commit_count, read_count, filter_count,
                            write_count, read_skip_count, write_skip_count, process_skip_count, rollback_count,
                            exit_code, exit_message, last_updated)
                        SELECT s.id, 3, (CAST(:names AS text[]))[1 + (s.n - 1) % :perExecution],
                               (CAST(:executions AS bigint[]))[1 + (s.n - 1) / :perExecution],
                               :created, :created, :ended, :status, 1, 0, 0, 0, 0, 0, 0, 0, :status, '',
                               COALESCE(:ended, :created)
                        FROM unnest(CAST(:steps AS bigint[])) WITH ORDINALITY AS s(id, n)""")
                .param("names", STEPS.toArray(String[]::new))
                .param("perExecution", STEPS.size())
                .param("executions", executions.toArray(Long[]::new))
                .param("steps", steps.toArray(Long[]::new))
                .param("created", batchTime(createdAt))
                .param("ended", batchTime(endedAt))
                .param("status", status)
                .update();
        jdbc.sql("""
                        INSERT INTO batch_step_execution_context (step_execution_id, short_context)
                        SELECT s, '{}' FROM unnest(CAST(:steps AS bigint[])) AS s""")
                .param("steps", steps.toArray(Long[]::new)).update();
        return executions;
    }

    /** {@code count} final codes, finished at {@code finishedAt}, as the worker leaves them (no code). */
    public void finalCodes(int count, String status, Instant finishedAt) {
        jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, region, redirect_uri, received_at, status, attempts,
                            finished_at)
                        SELECT NULL, 'us', :redirectUri, :receivedAt, :status, 1, :finishedAt
                        FROM generate_series(1, :count)""")
                .param("redirectUri", REDIRECT_URI)
                .param("receivedAt", SqlTime.of(finishedAt.minus(Duration.ofSeconds(3))))
                .param("status", status)
                .param("finishedAt", SqlTime.of(finishedAt))
                .param("count", count)
                .update();
    }

    public long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    /** Rows anywhere in Batch's tables that belong to {@code executionId}. */
    public long rowsOfExecution(long executionId) {
        return jdbc.sql("""
                        SELECT (SELECT count(*) FROM batch_job_execution WHERE job_execution_id = :id)
                             + (SELECT count(*) FROM batch_job_execution_params WHERE job_execution_id = :id)
                             + (SELECT count(*) FROM batch_job_execution_context WHERE job_execution_id = :id)
                             + (SELECT count(*) FROM batch_step_execution WHERE job_execution_id = :id)
                             + (SELECT count(*) FROM batch_step_execution_context c
                                JOIN batch_step_execution s ON s.step_execution_id = c.step_execution_id
                                WHERE s.job_execution_id = :id)""")
                .param("id", executionId)
                .query(Long.class)
                .single();
    }

    /** Batch's columns hold this JVM's wall clock. */
    public static LocalDateTime batchTime(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneId.systemDefault());
    }

    private List<Long> next(String sequence, int count) {
        return jdbc.sql("SELECT nextval('" + sequence + "') FROM generate_series(1, :count)")
                .param("count", count)
                .query(Long.class)
                .list();
    }
}
