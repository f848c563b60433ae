package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Opens the metrics and probes server of {@code daemon} and {@code run --window} (docs/metrics.md). The call
 * counters fill in every context; the database gauges, the JVM meters and the server only exist while it is open.
 */
public class MetricsEndpoints {

    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoints.class);

    /** Gauges are re-read at most this often, whatever the number of scrapers. */
    static final Duration SNAPSHOT_TTL = Duration.ofSeconds(5);
    static final Duration SNAPSHOT_STATEMENT_TIMEOUT = Duration.ofSeconds(2);
    /** A scrape waits this long for a fresh read, then reports the gauges as NaN and the database as down. */
    static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(3);
    static final Duration PING_TTL = Duration.ofSeconds(2);
    /** Under the readiness probe's timeoutSeconds in k8s/base/deployment-daemon.yaml. */
    static final Duration PING_WAIT = Duration.ofSeconds(2);

    private final PrometheusMeterRegistry registry;
    private final JdbcClient jdbc;
    private final PlatformTransactionManager transactionManager;
    private final RequestBudget budget;
    private final Scheduler scheduler;
    private final TokenWorkerProperties properties;
    private final Clock clock;

    public MetricsEndpoints(PrometheusMeterRegistry registry, JdbcClient jdbc,
                            PlatformTransactionManager transactionManager, RequestBudget budget, Scheduler scheduler,
                            TokenWorkerProperties properties, Clock clock) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.transactionManager = transactionManager;
        this.budget = budget;
        this.scheduler = scheduler;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Starts the server on TOKENWORKER_METRICS_PORT. Metrics are never worth stopping token work for: a port
     * already taken is logged and the worker runs on without the server (in Kubernetes the liveness probe then
     * fails and names the problem by restarting the pod).
     */
    public MetricsServer open() {
        OptionalInt port = properties.metricsPort();
        if (port.isEmpty()) {
            log.info("metrics and probes server off (TOKENWORKER_METRICS_PORT=0)");
            return MetricsServer.NONE;
        }
        ExecutorService snapshotThread = singleDaemonThread("metrics-snapshot");
        ExecutorService pingThread = singleDaemonThread("metrics-db-ping");
        WorkerSnapshotReader reader = new WorkerSnapshotReader(jdbc, transactionManager, budget,
                SNAPSHOT_STATEMENT_TIMEOUT);
        CachedRead<WorkerSnapshot> snapshots = new CachedRead<>(reader::read, SNAPSHOT_TTL, SNAPSHOT_WAIT,
                snapshotThread, System::nanoTime);
        CachedRead<Boolean> ping = new CachedRead<>(this::ping, PING_TTL, PING_WAIT, pingThread, System::nanoTime);
        AtomicReference<Optional<WorkerSnapshot>> latest = new AtomicReference<>(Optional.empty());
        DatabaseGauges.register(registry, latest::get, clock);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        SchedulerLiveness liveness = new SchedulerLiveness(scheduler, properties.maxRunDuration().multipliedBy(2),
                clock);
        Readiness readiness = new Readiness(scheduler, ping);
        Runnable beforeScrape = () -> {
            CachedRead.Result<WorkerSnapshot> read = snapshots.get();
            read.problem().ifPresent(problem -> log.debug("metrics: database gauges unavailable ({})", problem));
            latest.set(read.value());
        };
        try {
            HttpMetricsServer server = HttpMetricsServer.start(port.getAsInt(), registry, beforeScrape,
                    liveness::check, readiness::check,
                    List.of(gc, snapshotThread::shutdownNow, pingThread::shutdownNow));
            log.info("metrics and probes on port {}: {}, {}, {}", server.port(), HttpMetricsServer.METRICS_PATH,
                    HttpMetricsServer.LIVENESS_PATH, HttpMetricsServer.READINESS_PATH);
            return server;
        } catch (IOException e) {
            log.warn("cannot serve metrics and probes on port {} ({}): set TOKENWORKER_METRICS_PORT to a free port, "
                    + "or 0 to turn the server off; the worker runs on without it", port.getAsInt(), e.getMessage());
            gc.close();
            snapshotThread.shutdownNow();
            pingThread.shutdownNow();
            return MetricsServer.NONE;
        }
    }

    /** A trivial query: it cannot run long, so the wait bounds it (a connection the pool cannot give included). */
    private Boolean ping() {
        return jdbc.sql("SELECT 1").query(Integer.class).single() == 1;
    }

    private static ExecutorService singleDaemonThread(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
