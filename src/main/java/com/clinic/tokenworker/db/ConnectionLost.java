package com.clinic.tokenworker.db;

import java.sql.SQLException;
import org.springframework.transaction.TransactionSystemException;

/**
 * A database connection that broke under a statement, in the two shapes that carry no SQLSTATE (found by the fault
 * campaign, docs/reliability.md: {@code pg_terminate_backend} during a commit):
 * <ul>
 *   <li>Spring's {@link TransactionSystemException}: the commit or the rollback itself failed. When a commit fails
 *       on a dropped connection, the rollback that follows fails too, and Spring throws the rollback's exception
 *       ("JDBC rollback failed"), logging the commit's;</li>
 *   <li>HikariCP's {@code SQLException("Connection is closed")}, with no SQLSTATE, from a pooled connection the pool
 *       has already closed.</li>
 * </ul>
 * Both pass when the database is back, like SQLSTATE class 08. A write retried after a commit that did land is
 * harmless: every write of the worker is guarded by the state it expects.
 */
public final class ConnectionLost {

    private static final String HIKARI_CLOSED = "Connection is closed";

    private ConnectionLost() {
    }

    /** True when {@code failure} or one of its causes is a connection lost in one of these shapes. */
    public static boolean in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransactionSystemException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null && HIKARI_CLOSED.equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
