package com.clinic.tokenworker.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Runs the calls of one pass (exchange, refresh or revocation) all at once on the TOKENWORKER_CONCURRENCY call
 * threads. Each call records its own outcome on the thread that made it, so an answer is durable as soon as it
 * arrives; the pass waits for every call before it reports.
 */
@Component
public class ConcurrentCalls {

    private final ExecutorService calls;

    public ConcurrentCalls(ExecutorService fullscriptCalls) {
        this.calls = fullscriptCalls;
    }

    /**
     * Applies {@code callAndRecord} to every item concurrently and returns the results in the items' order. If a
     * call fails unexpectedly (its row keeps its lease and comes back when the lease lapses), the others still
     * finish before the first failure is rethrown, so the step fails without abandoning calls in flight.
     */
    public <T, R> List<R> each(List<T> items, Function<T, R> callAndRecord) throws InterruptedException {
        List<Future<R>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(calls.submit(() -> callAndRecord.apply(item)));
        }
        List<R> results = new ArrayList<>();
        RuntimeException firstFailure = null;
        for (Future<R> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                if (firstFailure == null) {
                    firstFailure = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException(e.getCause());
                }
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return results;
    }
}
