package com.clinic.tokenworker.history;

import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import java.time.LocalDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Deletes old executions of {@code tokenMaintenanceJob} from Spring Batch's tables, children first (step contexts,
 * steps, execution context, parameters), then the executions, then the instances they leave without executions.
 * Only executions that ended before the cutoff and are not marked running: an execution a killed pod left STARTED
 * is kept until stale-execution recovery has ended it, and the execution purging is still running.
 *
 * <p>Call it inside one transaction: the executions are locked ({@code FOR UPDATE SKIP LOCKED}) by the first
 * statement, so two overlapping workers purge different executions and never wait for each other.
 */
@Repository
public class JobHistoryPurge {

    private final JdbcClient jdbc;

    public JobHistoryPurge(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public PurgedExecutions purge(LocalDateTime endedBefore, int limit) {
        // An execution ends after it was created, so create_time < cutoff adds nothing to the rule; it lets the
        // create_time index (V9) find the old executions without reading the whole table every run.
        List<Old> old = jdbc.sql("""
                        SELECT e.job_execution_id, e.job_instance_id
                        FROM batch_job_execution e
                        JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                        WHERE i.job_name = :job
                          AND e.create_time < :before
                          AND e.end_time < :before
                          AND e.status NOT IN ('STARTING', 'STARTED', 'STOPPING')
                        ORDER BY e.create_time, e.job_execution_id
                        LIMIT :limit
                        FOR UPDATE OF e SKIP LOCKED
                        """)
                .param("job", TokenMaintenanceJobConfiguration.JOB_NAME)
                .param("before", endedBefore)
                .param("limit", limit)
                .query((rs, n) -> new Old(rs.getLong("job_execution_id"), rs.getLong("job_instance_id")))
                .list();
        if (old.isEmpty()) {
            return PurgedExecutions.NONE;
        }
        Long[] executions = old.stream().map(Old::execution).toArray(Long[]::new);
        Long[] instances = old.stream().map(Old::instance).distinct().toArray(Long[]::new);
        delete("""
                DELETE FROM batch_step_execution_context
                WHERE step_execution_id IN (SELECT step_execution_id FROM batch_step_execution
                                            WHERE job_execution_id = ANY (CAST(:ids AS bigint[])))""", executions);
        int steps = delete("DELETE FROM batch_step_execution WHERE job_execution_id = ANY (CAST(:ids AS bigint[]))",
                executions);
        delete("DELETE FROM batch_job_execution_context WHERE job_execution_id = ANY (CAST(:ids AS bigint[]))",
                executions);
        delete("DELETE FROM batch_job_execution_params WHERE job_execution_id = ANY (CAST(:ids AS bigint[]))",
                executions);
        int deleted = delete("DELETE FROM batch_job_execution WHERE job_execution_id = ANY (CAST(:ids AS bigint[]))",
                executions);
        int emptied = delete("""
                DELETE FROM batch_job_instance i
                WHERE i.job_instance_id = ANY (CAST(:ids AS bigint[]))
                  AND NOT EXISTS (SELECT 1 FROM batch_job_execution e WHERE e.job_instance_id = i.job_instance_id)""",
                instances);
        return new PurgedExecutions(deleted, steps, emptied);
    }

    private int delete(String sql, Long[] ids) {
        return jdbc.sql(sql).param("ids", ids).update();
    }

    private record Old(long execution, long instance) {
    }
}
