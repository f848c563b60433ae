package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.db.ConnectionLost;
import java.time.Duration;
import java.sql.SQLException;
import java.time.Instant;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * How long a granted token is tried again while the database is away: with a backoff from {@link #FIRST} doubling
 * to {@link #MAX}, as long as the next attempt still starts within the row's lease. After that the grant is lost
 * (another worker may take the row over), and the row says so once the database takes writes again, which is
 * tried the same way for one more lease.
 */
final class GrantKeeping {

    static final Duration FIRST = Duration.ofMillis(250);
    static final Duration MAX = Duration.ofSeconds(5);

    private GrantKeeping() {
    }

    /**
     * A failure that goes away by itself: a dropped or refused connection, a serialization failure. A connection
     * that drops mid-transaction also fails the rollback, so Spring reports the rollback's failure: the original
     * failure it carries decides.
     */
    static boolean isPassing(Throwable e) {
        if (ConnectionLost.in(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
                    || t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && isPassing(rollback.getApplicationException())) {
                return true;
            }
        }
        return false;
    }

    static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX) > 0 ? MAX : doubled;
    }

    /** True when an attempt after {@code backoff} would still start before {@code until}. */
    static boolean fits(Instant now, Duration backoff, Instant until) {
        return now.plus(backoff).isBefore(until);
    }
}
