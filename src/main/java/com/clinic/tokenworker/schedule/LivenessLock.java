package com.clinic.tokenworker.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This process's sign of life for the whole cluster: a session-level advisory lock keyed on its
 * {@link WorkerIdentity}, held on a connection of its own from the moment the context starts (before anything can
 * launch) until it closes. PostgreSQL releases it the moment that session ends: the process was killed (its
 * socket closes), or its host vanished (the server's TCP keepalive, set by {@link SessionConnections}, ends the
 * session within about 25 s). Nothing a live process does, however slow, frees it; so a free lock is proof of
 * death, and {@link StaleExecutionRecovery} acts on it at once.
 *
 * <p>The connection is checked every {@link #CHECK_EVERY}; if it was lost while the process lives (a database
 * restart), it is reopened and the lock taken again.
 */
@Component
public class LivenessLock implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LivenessLock.class);

    static final Duration CHECK_EVERY = Duration.ofSeconds(10);

    private final SessionConnections connections;
    private final WorkerIdentity worker;
    private ScheduledExecutorService timer;
    private Connection connection;
    private boolean reportedLoss;

    public LivenessLock(SessionConnections connections, WorkerIdentity worker) {
        this.connections = connections;
        this.worker = worker;
    }

    @Override
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        // Without it, other workers would take this process's executions for dead ones: refuse to start instead.
        if (!hold()) {
            // The cause (an unreachable database, a refused login) decides the exit code: keep it.
            throw new IllegalStateException("cannot take the liveness lock of worker " + worker.id()
                    + " on a connection of its own (is max_connections reached?)", lastFailure);
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tokenworker-liveness");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        close();
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    /** Started before, and stopped after, every other lifecycle bean: held for as long as anything may launch. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }

    private synchronized void check() {
        if (connection != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (!reportedLoss) {
                    log.warn("the connection holding this worker's liveness lock was lost ({}); taking it again",
                            e.getMessage());
                    reportedLoss = true;
                }
                close();
            }
        }
        hold();
    }

    private volatile SQLException lastFailure;

    /** Takes the lock on a new connection; on failure leaves it to the next check. */
    private boolean hold() {
        try {
            Connection opened = connections.open("liveness");
            if (tryLock(opened)) {
                connection = opened;
                reportedLoss = false;
                return true;
            }
            opened.close();
            log.warn("the liveness lock of worker {} is held by another session; trying again in {} s", worker.id(),
                    CHECK_EVERY.toSeconds());
        } catch (SQLException e) {
            lastFailure = e;
            if (timer == null) {
                // At start the failure is thrown with its cause and said once by the command.
                return false;
            }
            log.warn("cannot take the liveness lock of worker {} yet ({}); trying again in {} s", worker.id(),
                    e.getMessage(), CHECK_EVERY.toSeconds());
        }
        return false;
    }

    private boolean tryLock(Connection opened) throws SQLException {
        try (PreparedStatement statement = opened.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, worker.livenessLockKey());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // The session is gone either way, and the lock with it.
        } finally {
            connection = null;
        }
    }
}
