package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * Launches {@code tokenMaintenanceJob} the way {@code run} does, once a second, until none of the demo's codes is
 * waiting any more or the time limit passes. Retries are scheduled seconds ahead, so a single execution would
 * leave them PENDING; a daemon would pick them up on its next fire, and this loop plays that daemon.
 */
public final class DemoLoop {

    static final Duration PAUSE_BETWEEN_LAUNCHES = Duration.ofSeconds(1);

    public enum Ending {
        /** Every demo code reached EXCHANGED, EXPIRED or FAILED. */
        SETTLED,
        /** Codes were still waiting when the time limit passed. */
        TIME_LIMIT
    }

    /** What the loop did; the figures themselves are read back from the database afterwards. */
    public record Result(Ending ending, List<Long> executionIds, Instant startedAt, Instant endedAt) {

        public Duration took() {
            return Duration.between(startedAt, endedAt);
        }
    }

    private final TokenMaintenanceLauncher launcher;
    private final DemoCodes codes;
    private final Clock clock;

    public DemoLoop(TokenMaintenanceLauncher launcher, DemoCodes codes, Clock clock) {
        this.launcher = launcher;
        this.codes = codes;
        this.clock = clock;
    }

    public Result run(Duration timeLimit, DemoProgress progress) throws InterruptedException {
        Instant startedAt = clock.instant();
        Instant deadline = startedAt.plus(timeLimit);
        List<Long> executionIds = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Ending> ending = new CompletableFuture<>();
        ScheduledExecutorService launches = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "demo-launches");
            thread.setDaemon(true);
            return thread;
        });
        try {
            launches.scheduleWithFixedDelay(() -> launchOnce(executionIds, deadline, progress, ending),
                    0, PAUSE_BETWEEN_LAUNCHES.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(ending.get(), List.copyOf(executionIds), startedAt, clock.instant());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            launches.shutdownNow();
            launches.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private void launchOnce(List<Long> executionIds, Instant deadline, DemoProgress progress,
                            CompletableFuture<Ending> ending) {
        if (ending.isDone()) {
            return;
        }
        try {
            JobExecution execution = launcher.launch(clock.instant());
            executionIds.add(execution.getId());
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                ending.completeExceptionally(new DemoExecutionFailedException(execution));
                return;
            }
            CodeCounts counts = codes.counts();
            progress.update(counts, executionIds.size());
            if (counts.waiting() == 0) {
                ending.complete(Ending.SETTLED);
            } else if (!clock.instant().isBefore(deadline)) {
                ending.complete(Ending.TIME_LIMIT);
            }
        } catch (Exception e) {
            ending.completeExceptionally(e);
        }
    }
}
