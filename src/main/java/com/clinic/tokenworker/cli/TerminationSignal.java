package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns shutdown: the command's own thread. SIGTERM (or SIGINT) only reaches a JVM shutdown hook, and this one
 * does no work: it tells the command to stop, then holds the JVM open until the command has run its graceful stop
 * and closed its context, and ends the process with the command's exit code. (The Spring context registers no hook
 * of its own, see {@code WorkerContext}, so nothing else closes it underneath the stop sequence.)
 *
 * <p>Without the final {@code halt} a JVM ended by SIGTERM exits 143 however cleanly it stopped; a Kubernetes pod
 * then looks failed.
 *
 * <p>The embedded development database must outlive the graceful stop, which still records outcomes in it: while
 * this signal is installed it holds that database open through JVM shutdown ({@link EmbeddedDatabase#holdOpenOnExit});
 * the command closes it with its session, and a forced exit stops what is left just before halting.
 */
final class TerminationSignal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TerminationSignal.class);

    /**
     * Kubernetes sends SIGKILL 45 s after SIGTERM (terminationGracePeriodSeconds in k8s/). Ending a little before
     * that, by ourselves, leaves a log line saying why instead of a silent kill.
     */
    static final Duration HARD_LIMIT = Duration.ofSeconds(40);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger(ExitCode.FAILURE.code());
    private final Thread hook;
    private final EmbeddedDatabase.Hold embeddedDatabaseHold;

    private TerminationSignal() {
        this.hook = new Thread(this::onTermination, "termination-signal");
        this.embeddedDatabaseHold = EmbeddedDatabase.holdOpenOnExit();
    }

    static TerminationSignal install() {
        TerminationSignal signal = new TerminationSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Blocks until termination is requested. */
    void await() throws InterruptedException {
        requested.await();
    }

    /**
     * Blocks until termination is requested or the {@code clock} reaches {@code deadline}, whichever comes first.
     *
     * @return true when termination was requested
     */
    boolean awaitUntil(Instant deadline, Clock clock) throws InterruptedException {
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return isRequested();
            }
            // Short waits, so that the deadline follows the injected clock rather than the wall clock alone.
            if (requested.await(Math.min(left.toMillis() + 1, 1000), TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
    }

    boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** The command has stopped and closed everything; a waiting hook may now end the process with this code. */
    void finished(int code) {
        exitCode.set(code);
        finished.countDown();
    }

    /** Removes the hook when the command ends without a signal (end of window, startup failure). */
    @Override
    public void close() {
        if (isRequested()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownAlreadyRunning) {
            // The signal arrived just now; the hook is waiting for finished(), which the command has called.
            return;
        }
        embeddedDatabaseHold.close();
    }

    private void onTermination() {
        log.info("termination requested (SIGTERM/SIGINT): stopping gracefully, at most {} s", HARD_LIMIT.toSeconds());
        requested.countDown();
        int code;
        try {
            if (finished.await(HARD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                code = exitCode.get();
            } else {
                log.error("graceful stop did not finish within {} s; exiting now. Codes still claimed by this "
                        + "process come back to the other workers when their lease lapses", HARD_LIMIT.toSeconds());
                code = ExitCode.FAILURE.code();
            }
        } catch (InterruptedException e) {
            code = ExitCode.FAILURE.code();
        }
        // After a clean stop the command has already closed it; after a forced one, do not leave it orphaned.
        EmbeddedDatabase.stopAllStillRunning();
        Runtime.getRuntime().halt(code);
    }
}
