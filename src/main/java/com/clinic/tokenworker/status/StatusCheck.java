package com.clinic.tokenworker.status;

import java.time.Clock;
import java.time.Instant;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the status report and applies the attention rules. Every figure comes from one read-only REPEATABLE READ
 * transaction, so the counts, the executions and the rules all describe the same moment; it never writes, never
 * migrates and never calls Fullscript.
 */
public final class StatusCheck {

    /** A status query must not hang a CronJob or a terminal behind a lock; none of them takes long. */
    private static final String STATEMENT_TIMEOUT = "30s";

    private final DataSource dataSource;
    private final Clock clock;
    private final StatusThresholds thresholds;
    private final BatchTime batchTime;

    public StatusCheck(DataSource dataSource, Clock clock, StatusThresholds thresholds) {
        this(dataSource, clock, thresholds, BatchTime.ofThisJvm());
    }

    StatusCheck(DataSource dataSource, Clock clock, StatusThresholds thresholds, BatchTime batchTime) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.thresholds = thresholds;
        this.batchTime = batchTime;
    }

    /** @param executions how many of the latest executions to list */
    public StatusReport check(int executions) {
        TransactionTemplate snapshot = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        snapshot.setReadOnly(true);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        return snapshot.execute(tx -> {
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("SET LOCAL statement_timeout = '" + STATEMENT_TIMEOUT + "'").update();
            StatusReader reader = new StatusReader(jdbc);
            reader.requireSchema();
            Instant now = clock.instant();
            CodesReport codes = reader.codes(now);
            RunsReport runs = new JobHistoryReader(jdbc, batchTime).runs(now, executions, thresholds);
            CredentialsReport credentials = new CredentialsReader(jdbc).read();
            return StatusReport.of(now, HealthRules.evaluate(codes, runs, credentials, thresholds, now), codes,
                    reader.tokens(now), reader.throttle(now), runs);
        });
    }
}
