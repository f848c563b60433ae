package com.clinic.tokenworker.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link RetryTimer}: one daemon thread that only keeps time; the tasks it starts hand their work
 * to the call threads at once. Closed with the application context: tasks already scheduled still start when
 * due (they then find the call threads gone and end their row's step with that failure); new ones are refused.
 */
public final class ScheduledRetryTimer implements RetryTimer, AutoCloseable {

    private final ScheduledExecutorService timer;

    public ScheduledRetryTimer() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "grant-retry-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    @Override
    public void after(Duration delay, Runnable task) {
        timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdown();
    }
}
