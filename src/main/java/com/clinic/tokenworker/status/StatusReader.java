package com.clinic.tokenworker.status;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.exchange.CodeStatus;
import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import com.clinic.tokenworker.token.TokenStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The figures of the status report, read with plain SQL. Never selects {@code code} or a ciphertext column, so a
 * login with tokenworker_monitor's column grants can run it. Ages are measured against the given instant (the
 * worker's clock), not the database's.
 */
final class StatusReader {

    private static final List<String> TABLES = List.of("oauth_pending_code", "oauth_token", "tokenworker_throttle",
            "batch_job_instance", "batch_job_execution", "batch_job_execution_params", "batch_step_execution");
    private static final int MESSAGE_LIMIT = 500;

    private final JdbcClient jdbc;
    private final BatchTime batchTime;

    StatusReader(JdbcClient jdbc, BatchTime batchTime) {
        this.jdbc = jdbc;
        this.batchTime = batchTime;
    }

    void requireSchema() {
        List<String> missing = jdbc.sql("""
                        SELECT t FROM unnest(CAST(:tables AS text[])) AS t WHERE to_regclass(t) IS NULL
                        """)
                .param("tables", TABLES.toArray(String[]::new))
                .query(String.class)
                .list();
        if (!missing.isEmpty()) {
            throw new MissingSchemaException(missing);
        }
    }

    CodesReport codes(Instant now) {
        Map<String, Long> byStatus = countByStatus("oauth_pending_code",
                Stream.of(CodeStatus.values()).map(Enum::name).toList());
        WaitingCode oldest = jdbc.sql("""
                        SELECT id, status, received_at FROM oauth_pending_code
                        WHERE status IN ('PENDING', 'EXCHANGING')
                        ORDER BY received_at, id
                        LIMIT 1
                        """)
                .query((rs, n) -> waiting(rs, now))
                .optional()
                .orElse(null);
        Instant since = now.minus(StatusThresholds.RECENT);
        RecentProblems recent = jdbc.sql("""
                        SELECT count(*) FILTER (WHERE status = 'EXPIRED') AS expired,
                               max(finished_at) FILTER (WHERE status = 'EXPIRED') AS last_expired,
                               count(*) FILTER (WHERE status = 'FAILED') AS failed
                        FROM oauth_pending_code
                        WHERE status IN ('EXPIRED', 'FAILED') AND finished_at > :since
                        """)
                .param("since", SqlTime.of(since))
                .query((rs, n) -> new RecentProblems(rs.getLong("expired"), instant(rs, "last_expired"),
                        rs.getLong("failed")))
                .single();
        List<FinishedCode> latest = jdbc.sql("""
                        SELECT id, status, region, received_at, finished_at, attempts, last_error, last_request_id
                        FROM oauth_pending_code
                        WHERE status IN ('EXPIRED', 'FAILED') AND finished_at > :since
                        ORDER BY finished_at DESC, id DESC
                        LIMIT :limit
                        """)
                .param("since", SqlTime.of(since))
                .param("limit", StatusThresholds.LATEST_PROBLEMS)
                .query((rs, n) -> new FinishedCode(rs.getLong("id"), rs.getString("status"), rs.getString("region"),
                        instant(rs, "received_at"), instant(rs, "finished_at"), rs.getInt("attempts"),
                        firstLine(rs.getString("last_error")), rs.getString("last_request_id")))
                .list();
        return new CodesReport(byStatus, oldest, recent.expired(), recent.lastExpired(), recent.failed(), latest);
    }

    TokensReport tokens(Instant now) {
        Map<String, Long> byStatus = countByStatus("oauth_token",
                Stream.of(TokenStatus.values()).map(Enum::name).toList());
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE status = 'REAUTH_REQUIRED' AND updated_at > :since)
                                   AS reauth_recent,
                               min(refresh_due_at) FILTER (WHERE status = 'REFRESH_DUE') AS oldest_due,
                               count(*) FILTER (WHERE status IN ('ACTIVE', 'REFRESH_DUE') AND last_error IS NOT NULL)
                                   AS refresh_errors
                        FROM oauth_token
                        """)
                .param("since", SqlTime.of(now.minus(StatusThresholds.RECENT)))
                .query((rs, n) -> new TokensReport(byStatus, rs.getLong("reauth_recent"), instant(rs, "oldest_due"),
                        rs.getLong("refresh_errors")))
                .single();
    }

    ThrottleReport throttle(Instant now) {
        return jdbc.sql("SELECT paused_until, reason FROM tokenworker_throttle WHERE id = 1")
                .query((rs, n) -> {
                    Instant until = instant(rs, "paused_until");
                    boolean paused = until != null && until.isAfter(now);
                    return new ThrottleReport(paused, paused ? until : null, paused ? rs.getString("reason") : null);
                })
                .optional()
                .orElse(new ThrottleReport(false, null, null));
    }

    RunsReport runs(Instant now, int executions, StatusThresholds thresholds) {
        RunTotals totals = jdbc.sql("""
                        SELECT count(*) AS executions,
                               max(e.end_time) FILTER (WHERE e.status = 'COMPLETED') AS last_completed
                        FROM batch_job_execution e
                        JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                        WHERE i.job_name = :job
                        """)
                .param("job", TokenMaintenanceJobConfiguration.JOB_NAME)
                .query((rs, n) -> new RunTotals(rs.getLong("executions"), batch(rs, "last_completed")))
                .single();
        List<ExecutionReport> recent = executions("TRUE ORDER BY e.job_execution_id DESC LIMIT " + executions);
        List<UnfinishedExecution> unfinished = executions("""
                e.end_time IS NULL AND e.status IN ('STARTING', 'STARTED', 'STOPPING')
                ORDER BY e.job_execution_id""").stream()
                .map(e -> unfinished(e, now, thresholds.maxRunDuration()))
                .toList();
        return new RunsReport(totals.executions(), totals.lastCompleted(), thresholds.maxSilence().toSeconds(),
                recent, unfinished);
    }

    /** {@code condition} is this class's own SQL (a filter, an order, a limit), never input. */
    private List<ExecutionReport> executions(String condition) {
        List<ExecutionReport> rows = jdbc.sql("""
                        SELECT e.job_execution_id, e.status, e.exit_code, e.exit_message, e.create_time, e.start_time,
                               e.end_time, e.last_updated,
                               (SELECT max(s.last_updated) FROM batch_step_execution s
                                WHERE s.job_execution_id = e.job_execution_id) AS step_last_updated,
                               (SELECT p.parameter_value FROM batch_job_execution_params p
                                WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = :launchedBy)
                                   AS launched_by
                        FROM batch_job_execution e
                        JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                        WHERE i.job_name = :job AND %s
                        """.formatted(condition))
                .param("job", TokenMaintenanceJobConfiguration.JOB_NAME)
                .param("launchedBy", TokenMaintenanceLauncher.LAUNCHED_BY)
                .query((rs, n) -> execution(rs))
                .list();
        Map<Long, List<StepReport>> steps = steps(rows.stream().map(ExecutionReport::id).toList());
        return rows.stream()
                .map(e -> new ExecutionReport(e.id(), e.status(), e.exitCode(), e.exitMessage(), e.startedAt(),
                        e.endedAt(), e.durationMillis(), e.lastHeartbeat(), e.launchedBy(),
                        steps.getOrDefault(e.id(), List.of())))
                .toList();
    }

    /** The execution without its steps, which the caller reads for all executions at once. */
    private ExecutionReport execution(ResultSet rs) throws SQLException {
        Instant started = batch(rs, "start_time");
        Instant ended = batch(rs, "end_time");
        Instant heartbeat = Stream.of(batch(rs, "create_time"), started, batch(rs, "last_updated"),
                        batch(rs, "step_last_updated"))
                .filter(Objects::nonNull)
                .max(Instant::compareTo)
                .orElse(null);
        return new ExecutionReport(rs.getLong("job_execution_id"), rs.getString("status"), rs.getString("exit_code"),
                firstLine(rs.getString("exit_message")), started, ended,
                started == null || ended == null ? null : Duration.between(started, ended).toMillis(), heartbeat,
                rs.getString("launched_by"), List.of());
    }

    private Map<Long, List<StepReport>> steps(List<Long> executionIds) {
        if (executionIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("""
                        SELECT job_execution_id, step_name, status, read_count, write_count, filter_count,
                               commit_count, rollback_count, exit_code, exit_message
                        FROM batch_step_execution
                        WHERE job_execution_id IN (:ids)
                        ORDER BY step_execution_id
                        """)
                .param("ids", executionIds)
                .query((rs, n) -> Map.entry(rs.getLong("job_execution_id"), new StepReport(rs.getString("step_name"),
                        rs.getString("status"), rs.getLong("read_count"), rs.getLong("write_count"),
                        rs.getLong("filter_count"), rs.getLong("commit_count"), rs.getLong("rollback_count"),
                        rs.getString("exit_code"), firstLine(rs.getString("exit_message")))))
                .list()
                .stream()
                .collect(Collectors.groupingBy(Map.Entry::getKey, LinkedHashMap::new,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    private static UnfinishedExecution unfinished(ExecutionReport execution, Instant now, Duration maxRunDuration) {
        Duration silent = execution.lastHeartbeat() == null ? Duration.ZERO
                : Duration.between(execution.lastHeartbeat(), now);
        return new UnfinishedExecution(execution.id(), execution.status(), execution.startedAt(),
                execution.lastHeartbeat(), Math.max(0, silent.toSeconds()), silent.compareTo(maxRunDuration) > 0,
                execution.launchedBy());
    }

    private Map<String, Long> countByStatus(String table, List<String> statuses) {
        Map<String, Long> counts = new LinkedHashMap<>();
        statuses.forEach(s -> counts.put(s, 0L));
        jdbc.sql("SELECT status, count(*) AS n FROM " + table + " GROUP BY status")
                .query((rs, n) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                .list()
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private static WaitingCode waiting(ResultSet rs, Instant now) throws SQLException {
        Instant received = instant(rs, "received_at");
        Instant deadline = received.plus(TokenWorkerProperties.CODE_LIFETIME);
        return new WaitingCode(rs.getLong("id"), rs.getString("status"), received, deadline,
                Duration.between(received, now).toSeconds(), Duration.between(now, deadline).toSeconds());
    }

    private Instant batch(ResultSet rs, String column) throws SQLException {
        return batchTime.toInstant(rs.getObject(column, LocalDateTime.class));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return SqlTime.toInstant(rs.getObject(column, OffsetDateTime.class));
    }

    private record RecentProblems(long expired, Instant lastExpired, long failed) {
    }

    private record RunTotals(long executions, Instant lastCompleted) {
    }

    /** Batch keeps whole stack traces in exit messages; the first line says what happened. */
    static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= MESSAGE_LIMIT ? line : line.substring(0, MESSAGE_LIMIT) + "...";
    }
}
