package com.clinic.tokenworker.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A database read shared by every HTTP request that wants it: at most one runs at a time, its result (or its
 * failure) is reused for {@code ttl}, and a request waits for it at most {@code wait}. So a scrape storm costs
 * the database one query per {@code ttl}, and a hung database costs a request {@code wait}, not a thread.
 *
 * <p>Ages here are measured on the monotonic clock: they time a cache, not a moment of the worker's domain, and
 * must keep moving in tests that hold the worker's Clock still.
 */
final class CachedRead<T> {

    private final Supplier<T> loader;
    private final Duration ttl;
    private final Duration wait;
    private final ExecutorService executor;
    private final LongSupplier nanoTime;
    private CompletableFuture<T> current;
    private long startedAt;

    CachedRead(Supplier<T> loader, Duration ttl, Duration wait, ExecutorService executor, LongSupplier nanoTime) {
        this.loader = loader;
        this.ttl = ttl;
        this.wait = wait;
        this.executor = executor;
        this.nanoTime = nanoTime;
    }

    /** The latest result, fresh within {@code ttl}; a failure or a read still running after {@code wait}. */
    Result<T> get() {
        CompletableFuture<T> read = currentRead();
        try {
            return new Result<>(Optional.of(read.get(wait.toMillis(), TimeUnit.MILLISECONDS)), Optional.empty());
        } catch (TimeoutException e) {
            return new Result<>(Optional.empty(), Optional.of("no answer within " + wait));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Result<>(Optional.empty(), Optional.of(cause.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result<>(Optional.empty(), Optional.of("interrupted"));
        }
    }

    private synchronized CompletableFuture<T> currentRead() {
        long now = nanoTime.getAsLong();
        boolean fresh = current != null && (!current.isDone() || now - startedAt < ttl.toNanos());
        if (!fresh) {
            current = CompletableFuture.supplyAsync(loader, executor);
            startedAt = now;
        }
        return current;
    }

    /** A value, or why there is none (the exception's type only: messages may quote SQL or a URL). */
    record Result<T>(Optional<T> value, Optional<String> problem) {
    }
}
