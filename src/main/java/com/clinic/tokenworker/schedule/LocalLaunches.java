package com.clinic.tokenworker.schedule;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.stereotype.Component;

/**
 * The launches that this process's scheduler made: a gate that the stop sequence closes so that a trigger which
 * slipped through standby launches nothing, a count of launches in flight to wait for, and the tally that
 * {@code run --window} turns into its exit code.
 */
@Component
public class LocalLaunches {

    /** Distinct failure chains kept for the exit code; a daemon failing every interval for days keeps a few. */
    private static final int MAX_DISTINCT_FAILURES = 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private boolean closed;
    private int inFlight;
    private int launched;
    private int completed;
    private int stopped;
    private int unsuccessful;
    private final Map<String, Throwable> failures = new LinkedHashMap<>();

    /** @return false when the process is stopping: do not launch */
    public boolean begin() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            inFlight++;
            launched++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void finished(JobExecution execution) {
        lock.lock();
        try {
            BatchStatus status = execution.getStatus();
            if (status == BatchStatus.COMPLETED) {
                completed++;
            } else if (status == BatchStatus.STOPPED) {
                // Only the stop sequence (or an operator) stops an execution; it ended properly.
                stopped++;
            } else {
                unsuccessful++;
                execution.getAllFailureExceptions().forEach(this::keep);
            }
            end();
        } finally {
            lock.unlock();
        }
    }

    public void failedToLaunch(Exception failure) {
        lock.lock();
        try {
            unsuccessful++;
            keep(failure);
            end();
        } finally {
            lock.unlock();
        }
    }

    /** From now on {@link #begin()} refuses. */
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** @return true when no launch is in flight, false when {@code timeout} passed first */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (inFlight > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public Tally tally() {
        lock.lock();
        try {
            return new Tally(launched, completed, stopped, unsuccessful, List.copyOf(failures.values()));
        } finally {
            lock.unlock();
        }
    }

    private void end() {
        inFlight--;
        if (inFlight == 0) {
            idle.signalAll();
        }
    }

    private void keep(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null && chain.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
            chain.append(t.getClass().getName()).append('<');
        }
        if (failures.size() < MAX_DISTINCT_FAILURES) {
            failures.putIfAbsent(chain.toString(), failure);
        }
    }

    /** What this process's scheduler ran; {@code failures} holds one exception per distinct cause chain. */
    public record Tally(int launched, int completed, int stopped, int unsuccessful, List<Throwable> failures) {

        public boolean allEndedProperly() {
            return unsuccessful == 0;
        }

        public String summary() {
            return launched + " launched, " + completed + " completed, " + stopped + " stopped, " + unsuccessful
                    + " unsuccessful";
        }
    }
}
