package com.clinic.tokenworker.db;

import java.util.function.Supplier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Re-runs a write that failed for a reason that goes away by itself (serialization failure, deadlock victim,
 * a connection dropped and replaced by the pool). Used where the data to write exists nowhere else: a token
 * Fullscript just granted. The retries are immediate: the pool's next connection is a new one.
 */
public final class TransientRetry {

    static final int ATTEMPTS = 3;

    private TransientRetry() {
    }

    public static <T> T run(Supplier<T> write) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return write.get();
            } catch (TransientDataAccessException | RecoverableDataAccessException
                     | DataAccessResourceFailureException | CannotCreateTransactionException e) {
                // A connection dropped mid-transaction (failover, network) is what pgjdbc reports as a resource
                // failure; the pool hands the next attempt a fresh one. Retrying after an unclear commit is safe:
                // the writes are guarded (version, status), so a second apply is a no-op.
                last = e;
            }
        }
        throw last;
    }
}
