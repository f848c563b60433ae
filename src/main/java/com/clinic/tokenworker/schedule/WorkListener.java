package com.clinic.tokenworker.schedule;

import com.clinic.tokenworker.config.ListenMode;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Wakes the scheduled modes the moment work arrives: LISTEN on {@link NotificationChannel#WORK} (the V10 triggers
 * notify it for a new code and for a revocation request) on one session connection of its own, on a daemon
 * thread, and run {@code onWork} for every batch of notifications received. Notifications received while
 * {@code onWork} runs are read in one batch afterwards: a burst costs one more wake-up, not one per row.
 *
 * <p>A notification is only a hint; the interval stays the path that guarantees the work is done (a notification
 * sent while this connection was down is lost). So after a lost connection it reconnects with a growing, jittered
 * wait and wakes once on its return. With TOKENWORKER_LISTEN=auto it first checks, at start, that a notification
 * sent from another session really arrives: through a connection pooler in transaction mode the LISTEN lands on
 * a server connection that is soon given to someone else, and nothing would ever arrive. Then it says so once and
 * leaves the work to the interval.
 */
@Component
public class WorkListener implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WorkListener.class);

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** An idle LISTEN connection is checked this often, so a dead one is noticed (and reopened) within seconds. */
    static final Duration PING_EVERY = Duration.ofSeconds(10);
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final SessionConnections connections;
    private final JdbcClient jdbc;
    private final TokenWorkerProperties properties;
    private final AtomicReference<Connection> current = new AtomicReference<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile Thread thread;
    /** A work notification that arrived while the start-up check waited for its own. */
    private volatile boolean workDuringProbe;

    public WorkListener(SessionConnections connections, JdbcClient jdbc, TokenWorkerProperties properties) {
        this.connections = connections;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Starts listening unless TOKENWORKER_LISTEN=off or the check fails; says which, once.
     *
     * @return true when listening (or reconnecting in the background), false when only the interval fires the job
     */
    public boolean start(Runnable onWork) {
        if (properties.listenMode() == ListenMode.OFF) {
            log.info("TOKENWORKER_LISTEN=off: no LISTEN; new codes and revocation requests wait for the next fire, "
                    + "every {}", properties.interval());
            return false;
        }
        Connection connection = null;
        try {
            connection = connections.open("listen");
            listen(connection);
            if (!notificationArrives(connection)) {
                close(connection);
                log.warn("TOKENWORKER_LISTEN=auto: a notification sent from another session did not arrive within "
                        + "{} ms (a connection pooler in transaction mode cannot LISTEN); new codes and revocation "
                        + "requests wait for the next fire, every {}. Connect directly or through a session "
                        + "pooler, or set TOKENWORKER_LISTEN=off to skip this check",
                        PROBE_TIMEOUT.toMillis(), properties.interval());
                return false;
            }
            current.set(connection);
            log.info("listening on {}: new codes and revocation requests fire the job at once (every {} "
                    + "otherwise)", NotificationChannel.WORK.channel(), properties.interval());
        } catch (SQLException e) {
            close(connection);
            log.warn("cannot LISTEN on {} yet ({}); retrying in the background, firing every {} meanwhile",
                    NotificationChannel.WORK.channel(), e.getMessage(), properties.interval());
        }
        Thread listener = new Thread(() -> receiveUntilStopped(onWork), "tokenworker-listen");
        listener.setDaemon(true);
        thread = listener;
        listener.start();
        if (workDuringProbe) {
            wake(onWork);
        }
        return true;
    }

    /** Stops listening and closes the connection; returns within a couple of seconds at most. */
    public void stop() {
        stopRequested.countDown();
        // Aborting (not closing, which waits for the connection's lock) ends a blocking receive at once.
        abort(current.getAndSet(null));
        Thread listener = thread;
        if (listener != null) {
            try {
                listener.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void receiveUntilStopped(Runnable onWork) {
        ReconnectBackoff backoff = new ReconnectBackoff();
        boolean reportedLoss = current.get() == null;
        while (!isStopping()) {
            Connection connection = current.get();
            if (connection == null) {
                if (awaitStop(backoff.next())) {
                    return;
                }
                connection = reconnect();
                if (connection == null) {
                    continue;
                }
                backoff.reset();
                reportedLoss = false;
                log.info("listening again on {}; firing once for what arrived while the connection was down",
                        NotificationChannel.WORK.channel());
                wake(onWork);
                continue;
            }
            try {
                PGNotification[] received = connection.unwrap(PGConnection.class)
                        .getNotifications((int) PING_EVERY.toMillis());
                if (received != null && received.length > 0) {
                    if (containsWork(received)) {
                        wake(onWork);
                    }
                } else {
                    ping(connection);
                }
            } catch (SQLException e) {
                if (isStopping()) {
                    return;
                }
                if (!reportedLoss) {
                    log.warn("LISTEN connection lost ({}); reconnecting, firing every {} meanwhile", e.getMessage(),
                            properties.interval());
                    reportedLoss = true;
                }
                close(current.getAndSet(null));
            }
        }
    }

    private Connection reconnect() {
        Connection connection = null;
        try {
            connection = connections.open("listen");
            listen(connection);
            if (!current.compareAndSet(null, connection) || isStopping()) {
                close(connection);
                return null;
            }
            return connection;
        } catch (SQLException e) {
            log.debug("LISTEN reconnect failed: {}", e.getMessage());
            close(connection);
            return null;
        }
    }

    private void wake(Runnable onWork) {
        try {
            onWork.run();
        } catch (RuntimeException e) {
            log.warn("could not fire the job on a notification ({}); the interval fires it", e.getMessage());
        }
    }

    private static boolean containsWork(PGNotification[] received) {
        for (PGNotification notification : received) {
            if (NotificationChannel.WORK.channel().equals(notification.getName())) {
                return true;
            }
        }
        return false;
    }

    private static void listen(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + NotificationChannel.WORK.channel());
        }
    }

    /**
     * LISTEN on a channel of this connection's own, NOTIFY it through the pool, and wait for it. The pool is the
     * other session: through a transaction-mode pooler the two land on unrelated server connections.
     */
    private boolean notificationArrives(Connection connection) throws SQLException {
        String probe = "tokenworker_probe_" + UUID.randomUUID().toString().replace("-", "");
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + probe);
        }
        jdbc.sql("SELECT pg_notify(:channel, 'probe')").param("channel", probe).query().listOfRows();
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        boolean arrived = false;
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (!arrived) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            PGNotification[] received = pg.getNotifications((int) left);
            if (received != null) {
                for (PGNotification notification : received) {
                    arrived |= probe.equals(notification.getName());
                    workDuringProbe |= NotificationChannel.WORK.channel().equals(notification.getName());
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN " + probe);
        }
        return arrived;
    }

    private static void ping(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    private boolean isStopping() {
        return stopRequested.getCount() == 0;
    }

    private boolean awaitStop(Duration wait) {
        try {
            return stopRequested.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void abort(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            close(connection);
        }
    }

    private static void close(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing a connection that is already broken.
        }
    }

    /** A context closed without the graceful stop (a failed start, a test) leaves no thread or session behind. */
    @Override
    public void destroy() {
        stop();
    }
}
