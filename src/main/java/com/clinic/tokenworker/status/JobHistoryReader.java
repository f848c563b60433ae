package com.clinic.tokenworker.status;

import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * tokenMaintenanceJob's history from Spring Batch's tables. A killed pod leaves its execution STARTED forever, so
 * "unfinished" is judged by the last heartbeat (the latest write to the execution or its steps), not the status.
 */
final class JobHistoryReader {

    private final JdbcClient jdbc;
    private final BatchTime batchTime;

    JobHistoryReader(JdbcClient jdbc, BatchTime batchTime) {
        this.jdbc = jdbc;
        this.batchTime = batchTime;
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
                FirstLine.of(rs.getString("exit_message")), started, ended,
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
                        rs.getString("exit_code"), FirstLine.of(rs.getString("exit_message")))))
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

    private Instant batch(ResultSet rs, String column) throws SQLException {
        return batchTime.toInstant(rs.getObject(column, LocalDateTime.class));
    }

    private record RunTotals(long executions, Instant lastCompleted) {
    }
}
