package com.clinic.tokenworker;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.schema.SchemaFastPath;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the Spring context for commands that need the database. Properties and clock are validated and chosen
 * before this point and handed in as beans; the same path serves the CLI and the tests, so tests exercise the
 * real wiring (several contexts against one database are several workers).
 */
public final class WorkerContext {

    /** Connections the pool keeps open while idle; it grows on demand up to its maximum. */
    static final int MINIMUM_IDLE_CONNECTIONS = 2;
    /** BackgroundPreinitializingApplicationListener's switch (spring-boot-autoconfigure). */
    static final String BACKGROUND_PREINITIALIZER_IGNORE = "spring.backgroundpreinitializer.ignore";

    static {
        // Logging is configured once, by logback itself (logging.WorkerLogConfigurator), before any context
        // exists (the commands log first). Boot would reset and reload it at every context start, which is only
        // wasted work for one context, and with several contexts starting at once in one JVM (tests of concurrent
        // workers) its concurrent resets corrupt logback's listener list.
        if (System.getProperty(LoggingSystem.SYSTEM_PROPERTY) == null) {
            System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        }
        // Boot warms up Jackson (a mapper nobody here uses: the worker makes its own, at its first call), charsets
        // and a conversion service on a second thread at every start. On a CronJob pod's one or two cores that is
        // CPU taken from the start itself, over four hundred classes of it.
        if (System.getProperty(BACKGROUND_PREINITIALIZER_IGNORE) == null) {
            System.setProperty(BACKGROUND_PREINITIALIZER_IGNORE, "true");
        }
    }

    private WorkerContext() {
    }

    public static ConfigurableApplicationContext start(TokenWorkerProperties properties, Clock clock,
                                                       DatabaseTarget target, Map<String, Object> extraProperties,
                                                       Class<?>... extraSources) {
        Map<String, Object> database = new HashMap<>();
        database.put("spring.datasource.url", target.url());
        if (target.username() != null) {
            database.put("spring.datasource.username", target.username());
        }
        if (target.password() != null) {
            database.put("spring.datasource.password", target.password());
        }
        Map<String, Object> springProperties = new HashMap<>();
        // Call threads, the step's own connection, claims, Quartz and Bucket4j all draw from this pool.
        // Twice the concurrency: a call thread records its row while the next call of its slot is in flight.
        springProperties.put("spring.datasource.hikari.maximum-pool-size", 2 * properties.concurrency() + 6);
        // Opened as needed, not all at start: Hikari's default fills the pool to its maximum in the background,
        // and each connection is a PostgreSQL backend to fork and authenticate. A `run` (a CronJob pod every few
        // minutes) used a handful and opened 38 at concurrency 16, which made a run with nothing to do about 0.4 s
        // slower on 2 cores (docs/startup.md). A daemon's extra connections close after Hikari's idle timeout.
        springProperties.put("spring.datasource.hikari.minimum-idle", MINIMUM_IDLE_CONNECTIONS);
        springProperties.putAll(extraProperties);
        // Flyway only when it has something to do or to refuse: see SchemaFastPath for the rules. Its connection
        // and query overlap Spring's preparation of the environment; the answer is needed before the
        // configuration classes are read, which the initializer below precedes.
        FutureTask<Map<String, Object>> schema = new FutureTask<>(() -> SchemaFastPath.springProperties(target));
        Thread check = new Thread(schema, "schema-fast-path");
        check.setDaemon(true);
        check.start();
        Class<?>[] sources = new Class<?>[extraSources.length + 1];
        sources[0] = TokenWorkerApplication.class;
        System.arraycopy(extraSources, 0, sources, 1, extraSources.length);
        return new SpringApplicationBuilder(sources)
                .web(WebApplicationType.NONE)
                .registerShutdownHook(false)
                .properties(springProperties)
                .initializers(context -> {
                    // The database first, above the process environment and system properties: Spring would
                    // otherwise read SPRING_DATASOURCE_URL itself and let it beat the database the command chose
                    // (--database-url, demo's embedded one). The rest stays overridable (pool size...).
                    context.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("tokenWorkerDatabase", database));
                    // Last, below the default properties: a caller's own spring.flyway.enabled still decides.
                    context.getEnvironment().getPropertySources()
                            .addLast(new MapPropertySource("tokenWorkerSchemaFastPath", answer(schema)));
                    context.getBeanFactory().registerSingleton("tokenWorkerProperties", properties);
                    context.getBeanFactory().registerSingleton("clock", clock);
                })
                .run();
    }

    private static Map<String, Object> answer(FutureTask<Map<String, Object>> schema) {
        try {
            return schema.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the schema history", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
