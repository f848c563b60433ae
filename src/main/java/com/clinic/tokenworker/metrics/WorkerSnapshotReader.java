package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.exchange.CodeStatus;
import com.clinic.tokenworker.status.BatchTime;
import com.clinic.tokenworker.token.TokenStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads a {@link WorkerSnapshot}: a handful of aggregate queries in one read-only transaction whose statements
 * are cut off by a server-side statement timeout, so a slow database costs a scrape a gap, never a pile-up of
 * queries.
 */
public class WorkerSnapshotReader {

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;
    private final RequestBudget budget;
    private final Duration statementTimeout;
    private final BatchTime batchTime = BatchTime.ofThisJvm();

    public WorkerSnapshotReader(JdbcClient jdbc, PlatformTransactionManager transactionManager, RequestBudget budget,
                                Duration statementTimeout) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
        this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.budget = budget;
        this.statementTimeout = statementTimeout;
    }

    public WorkerSnapshot read() {
        WorkerSnapshot rows = readOnly.execute(tx -> {
            // SET LOCAL: ends with this transaction, so the pooled connection goes back as it came.
            jdbc.sql("SELECT set_config('statement_timeout', :ms, true)")
                    .param("ms", String.valueOf(statementTimeout.toMillis()))
                    .query(String.class).single();
            return new WorkerSnapshot(codes(), oldestWaitingReceivedAt(), tokens(), lastCompletedAt(), pausedUntil(),
                    OptionalLong.empty());
        });
        return new WorkerSnapshot(rows.codes(), rows.oldestWaitingReceivedAt(), rows.tokens(), rows.lastCompletedAt(),
                rows.pausedUntil(), budget.available());
    }

    private Map<CodeStatus, Long> codes() {
        Map<CodeStatus, Long> counts = new EnumMap<>(CodeStatus.class);
        for (CodeStatus status : CodeStatus.values()) {
            counts.put(status, 0L);
        }
        jdbc.sql("SELECT status, count(*) AS n FROM oauth_pending_code GROUP BY status")
                .query((rs, n) -> Map.entry(CodeStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                .list().forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private Optional<Instant> oldestWaitingReceivedAt() {
        return jdbc.sql("""
                        SELECT min(received_at) FROM oauth_pending_code WHERE status IN ('PENDING', 'EXCHANGING')
                        """)
                .query((rs, n) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)))
                .single()
                .map(OffsetDateTime::toInstant);
    }

    private Map<TokenStatus, Long> tokens() {
        Map<TokenStatus, Long> counts = new EnumMap<>(TokenStatus.class);
        for (TokenStatus status : TokenStatus.values()) {
            counts.put(status, 0L);
        }
        jdbc.sql("SELECT status, count(*) AS n FROM oauth_token GROUP BY status")
                .query((rs, n) -> Map.entry(TokenStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                .list().forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /**
     * The newest COMPLETED execution by id (the primary key, read backwards) rather than max(end_time) over all
     * of them, which reads every retained execution: the newest completed one is the one that ended last.
     */
    private Optional<Instant> lastCompletedAt() {
        return jdbc.sql("""
                        SELECT e.end_time
                        FROM batch_job_execution e
                        JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                        WHERE i.job_name = 'tokenMaintenanceJob' AND e.status = 'COMPLETED'
                        ORDER BY e.job_execution_id DESC
                        LIMIT 1
                        """)
                .query((rs, n) -> rs.getObject(1, LocalDateTime.class))
                .optional()
                .map(batchTime::toInstant);
    }

    private Optional<Instant> pausedUntil() {
        return jdbc.sql("SELECT paused_until FROM tokenworker_throttle WHERE id = 1")
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
                .optional()
                .map(OffsetDateTime::toInstant);
    }
}
