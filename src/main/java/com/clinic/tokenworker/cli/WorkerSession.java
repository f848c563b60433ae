package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.WorkerContext;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ConfigurableApplicationContext;

/** A database (external, or the embedded development one) plus the worker's Spring context over it. */
final class WorkerSession implements AutoCloseable {

    private final DatabaseSession database;
    private final ConfigurableApplicationContext context;

    private WorkerSession(DatabaseSession database, ConfigurableApplicationContext context) {
        this.database = database;
        this.context = context;
    }

    /**
     * Spring properties of a context that runs the job once and never schedules it (plain {@code run}): no Quartz
     * scheduler (its auto-configuration is left out, with others that nothing of a single run uses), and beans
     * made only when asked for, so the scheduler's own beans, which a single run never asks for, are never made.
     * {@code daemon} and {@code run --window} use {@link #open} and get the whole context, eagerly, as before.
     */
    static final Map<String, Object> ONE_RUN = Map.of(
            "spring.autoconfigure.exclude", String.join(",",
                    "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
                    // Nothing of the worker's asks for these; even unmade, each costs its parsing and class loading
                    // (Jackson's alone loads a hundred classes: the worker makes its own mapper, at its first call).
                    "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
                    "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration",
                    "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration",
                    "org.springframework.boot.autoconfigure.info.ProjectInfoAutoConfiguration",
                    "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
                    "org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration",
                    // The pool's meters: only daemon and run --window serve metrics.
                    "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
                    // A CGLIB proxy around every @Repository (fourteen generated classes) that translates exceptions
                    // through PersistenceExceptionTranslator beans, of which the worker has none (no JPA): it
                    // rethrows what it caught. JdbcClient already throws Spring's DataAccessExceptions.
                    "org.springframework.boot.persistence.autoconfigure."
                            + "PersistenceExceptionTranslationAutoConfiguration"),
            "spring.main.lazy-initialization", true);

    /** A context for running the job once, without the Quartz scheduler: {@link #ONE_RUN}. */
    static WorkerSession openForOneRun(TokenWorkerProperties properties, Clock clock) {
        return open(properties, clock, ONE_RUN);
    }

    static WorkerSession open(TokenWorkerProperties properties, Clock clock, Map<String, Object> springProperties) {
        DatabaseSession database = DatabaseSession.open(properties);
        try {
            return new WorkerSession(database,
                    WorkerContext.start(properties, clock, database.target(), springProperties));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The development database, when SPRING_DATASOURCE_URL is unset. */
    Optional<EmbeddedDatabase> embedded() {
        return database.embedded();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            database.close();
        }
    }
}
