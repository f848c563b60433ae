package com.clinic.tokenworker.db;

import java.util.function.Supplier;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Re-runs a write that failed for a reason that goes away by itself (serialization failure, deadlock victim,
 * a connection dropped and replaced by the pool). Used where the data to write exists nowhere else: a token
 * Fullscript just granted. The retry is immediate: these errors do not call for waiting.
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
            } catch (TransientDataAccessException | RecoverableDataAccessException e) {
                last = e;
            }
        }
        throw last;
    }
}
