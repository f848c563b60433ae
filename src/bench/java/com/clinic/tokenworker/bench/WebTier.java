package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web tier's side of the contract, as the benchmark plays it: a user authorizes (the fake mints the code),
 * the callback inserts it, and someone reads the statuses back. Receipt-to-token is measured from the database:
 * {@code finished_at - received_at} of each row (received_at is the database's now() at insert, finished_at the
 * worker's clock; both clocks are this machine's).
 */
final class WebTier {

    static final String REDIRECT_URI = "https://clinic.example/oauth/fullscript/callback";

    private final DatabaseTarget database;
    private final FakeFullscriptServer fullscript;

    WebTier(DatabaseTarget database, FakeFullscriptServer fullscript) {
        this.database = database;
        this.fullscript = fullscript;
    }

    /** One callback: a fresh code, received now. @return its row id */
    long receiveOne(Connection connection) throws SQLException {
        return receive(connection, 1, Duration.ZERO).get(0);
    }

    /** {@code count} callbacks in one transaction, received {@code ago} before the database's now(). */
    List<Long> receive(Connection connection, int count, Duration ago) throws SQLException {
        List<Long> ids = new ArrayList<>(count);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref, received_at)
                VALUES (?, 'us', ?, ?, now() - ? * interval '1 millisecond')
                RETURNING id
                """)) {
            for (int i = 0; i < count; i++) {
                String code = fullscript.mintCode(REDIRECT_URI);
                insert.setString(1, code);
                insert.setString(2, REDIRECT_URI);
                insert.setString(3, "bench-user-" + code.hashCode());
                insert.setLong(4, ago.toMillis());
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return ids;
    }

    /** Many callbacks at once, for a backlog: batched inserts, committed every 5,000 rows. */
    void receiveBacklog(Connection connection, int count) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref) VALUES (?, 'us', ?, ?)
                """)) {
            for (int i = 1; i <= count; i++) {
                String code = fullscript.mintCode(REDIRECT_URI);
                insert.setString(1, code);
                insert.setString(2, REDIRECT_URI);
                insert.setString(3, "bench-user-" + code.hashCode());
                insert.addBatch();
                if (i % 5000 == 0 || i == count) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * A session of the web tier's. Its statements stay out of PostgreSQL's statement log, which scenarios 7 and 8
     * read to count the worker's, even when the web tier inserts or polls while the worker drains.
     */
    Connection connect() throws SQLException {
        Connection c = BenchDatabase.connect(database);
        try (Statement s = c.createStatement()) {
            s.execute("SET log_min_duration_statement = -1");
        }
        return c;
    }

    /** Waits until no row is PENDING or EXCHANGING; false when {@code timeout} passed first. */
    boolean awaitAllFinal(Duration timeout) throws SQLException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        try (Connection c = connect()) {
            while (System.nanoTime() < until) {
                if (waiting(c) == 0) {
                    return true;
                }
                Thread.sleep(200);
            }
            return waiting(c) == 0;
        }
    }

    boolean awaitFinal(long id, Duration timeout) throws SQLException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT status IN ('EXCHANGED', 'EXPIRED', 'FAILED') FROM oauth_pending_code WHERE id = ?")) {
            s.setLong(1, id);
            while (System.nanoTime() < until) {
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return true;
                    }
                }
                Thread.sleep(50);
            }
        }
        return false;
    }

    private static long waiting(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM oauth_pending_code WHERE status IN ('PENDING', 'EXCHANGING')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Map<String, Long> countsByStatus() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT status, count(*) FROM oauth_pending_code GROUP BY status ORDER BY status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** A finished row: when it was received and finished (epoch milliseconds) and how. */
    record Done(long id, String status, double receivedMillis, double finishedMillis) {
        double secondsToToken() {
            return (finishedMillis - receivedMillis) / 1000.0;
        }
    }

    /** Final rows with {@code id >= fromId}, in finishing order. */
    List<Done> finished(long fromId) throws SQLException {
        List<Done> done = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("""
                SELECT id, status, extract(epoch FROM received_at) * 1000, extract(epoch FROM finished_at) * 1000
                FROM oauth_pending_code
                WHERE id >= ? AND finished_at IS NOT NULL
                ORDER BY finished_at, id
                """)) {
            s.setLong(1, fromId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    done.add(new Done(rs.getLong(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4)));
                }
            }
        }
        return done;
    }

    double databaseNowMillis() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT extract(epoch FROM clock_timestamp()) * 1000")) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
