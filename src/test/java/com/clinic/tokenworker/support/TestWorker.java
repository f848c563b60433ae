package com.clinic.tokenworker.support;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.WorkerContext;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.time.Clock;
import java.util.Map;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One worker process as the tests see it: the real Spring context, started through the same path as the CLI,
 * against a real database. Several of them on one database are several workers.
 */
public final class TestWorker implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final Clock clock;

    private TestWorker(ConfigurableApplicationContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    public static TestWorker start(DatabaseTarget database, Map<String, String> environment, Clock clock) {
        return start(database, environment, clock, Map.of());
    }

    public static TestWorker start(DatabaseTarget database, Map<String, String> environment, Clock clock,
                                   Map<String, Object> springProperties, Class<?>... extraSources) {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(environment);
        properties.requireTokenProcessing();
        return new TestWorker(WorkerContext.start(properties, clock, database, springProperties, extraSources), clock);
    }

    /** Runs tokenMaintenanceJob once, synchronously, as {@code run} does. */
    public JobExecution runOnce() {
        try {
            return context.getBean(TokenMaintenanceLauncher.class).launch(clock.instant());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public JdbcClient jdbc() {
        return context.getBean(JdbcClient.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
