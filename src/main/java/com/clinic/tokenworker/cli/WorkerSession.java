package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.WorkerContext;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ConfigurableApplicationContext;

/** A database (external, or the embedded development one) plus the worker's Spring context over it. */
final class WorkerSession implements AutoCloseable {

    private final Optional<EmbeddedDatabase> embedded;
    private final ConfigurableApplicationContext context;

    private WorkerSession(Optional<EmbeddedDatabase> embedded, ConfigurableApplicationContext context) {
        this.embedded = embedded;
        this.context = context;
    }

    static WorkerSession open(TokenWorkerProperties properties, Clock clock, Map<String, Object> springProperties) {
        Optional<EmbeddedDatabase> embedded = properties.datasourceUrl().isPresent() ? Optional.empty()
                : Optional.of(EmbeddedDatabase.start(properties.embeddedDataDir(), properties.embeddedPort()));
        DatabaseTarget target = embedded.map(EmbeddedDatabase::target).orElseGet(() -> new DatabaseTarget(
                properties.datasourceUrl().get(), properties.datasourceUsername().orElse(null),
                properties.datasourcePassword().orElse(null)));
        try {
            return new WorkerSession(embedded, WorkerContext.start(properties, clock, target, springProperties));
        } catch (RuntimeException e) {
            embedded.ifPresent(EmbeddedDatabase::close);
            throw e;
        }
    }

    /** The development database, when SPRING_DATASOURCE_URL is unset. */
    Optional<EmbeddedDatabase> embedded() {
        return embedded;
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
            embedded.ifPresent(EmbeddedDatabase::close);
        }
    }
}
