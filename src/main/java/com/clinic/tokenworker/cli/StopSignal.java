package com.clinic.tokenworker.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM for a command that serves until stopped. The JVM runs shutdown hooks and then halts, so the
 * hook waits (briefly) for the command to finish closing what it opened.
 */
final class StopSignal implements AutoCloseable {

    static final Duration GRACE = Duration.ofSeconds(10);

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal() {
        this.hook = new Thread(this::onShutdown, "stop-signal");
    }

    static StopSignal register() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Returns when the process is asked to stop; an interrupt (how a test stops it) counts as a request too. */
    void await() {
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onShutdown() {
        stopRequested.countDown();
        try {
            closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it is what stopped us
        }
    }
}
