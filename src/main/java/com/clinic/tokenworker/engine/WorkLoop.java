package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RegionCredentialsRejected;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One step execution of the continuous claim-call-record loop. It keeps TOKENWORKER_CONCURRENCY calls in flight
 * while work is due: whenever calls end, it claims as many due rows as there are free slots (with as many budget
 * permits), earliest deadline first, and hands each to a call thread that calls and records it. A slot is free
 * again the moment its call ends, not once the row is recorded: recording is database work, and a slot held for it
 * would leave Fullscript idle for that long on every call (about 6 % of a 400 ms call). The step thread only claims
 * and counts; it stops claiming when a claim finds nothing, the budget is spent, Fullscript asked to
 * pause, the step's rules say so, a call failed unexpectedly, or the job is asked to stop, and it ends once the
 * calls in flight are recorded.
 *
 * <p>The step commits at least every {@link #SLICE} (its LAST_UPDATED is the execution's heartbeat), so
 * {@link #runSlice} returns CONTINUABLE while calls may still be in flight; {@link #finish} waits for those that
 * are left when the step ends some other way.
 */
final class WorkLoop<T extends Claimed, O extends Outcome, E extends Enum<E>> {

    static final String ASKED_TO_STOP = "the job was asked to stop";
    /** Real time between two commits of the step: a heartbeat cadence, not a domain time, so not the Clock. */
    static final Duration SLICE = Duration.ofSeconds(2);
    /**
     * How long unspent budget permits may be kept for the next claims (real time, like {@link #SLICE}). The budget
     * tolerates this much between taking a permit and sending its request
     * ({@code PostgresRequestBudget.SEND_MARGIN}), so it stays well below that.
     */
    static final Duration RESERVE_MAX_AGE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(WorkLoop.class);

    private final WorkRules<T, O, E> rules;
    private final WorkResources resources;
    private final StepExecution step;
    private final OutcomeRecorder<T, O, E> recorder;
    private final RejectedCredentials rejected;
    /**
     * For a claim of one statement: outside the step's chunk transaction (which commits only at the end of a
     * slice), with no transaction of its own, so the statement commits by itself.
     */
    private final TransactionTemplate autocommit;
    private final BlockingQueue<Event<T, O, E>> events = new LinkedBlockingQueue<>();
    private final Set<Long> skipped = new HashSet<>();
    /** Rows claimed by this step run whose outcome the step thread has not taken yet. */
    private final Set<Long> inHand = new HashSet<>();
    private final Set<Region> rejectedHere = EnumSet.noneOf(Region.class);
    private Instant startedAt;
    /** Calls to Fullscript not yet answered: at most TOKENWORKER_CONCURRENCY. */
    private int calling;
    /** Rows handed to a call thread and not yet recorded: the step ends only once this is 0. */
    private int unrecorded;
    /**
     * Budget permits taken and not yet spent on a claimed row. They are taken up to TOKENWORKER_CONCURRENCY at a
     * time, so a drain of quick calls, where slots free one or two at a time, does not pay a round trip to the
     * shared budget for every claim; what is left goes back when the step ends, or once it is older than
     * {@link #RESERVE_MAX_AGE}.
     */
    private int reserved;
    /** System.nanoTime() when the reserve was last topped up. */
    private long reservedAtNanos;
    private boolean claiming = true;
    private boolean claimedBefore;
    private RuntimeException failure;
    private int heldBack;
    private String heldBackExample;

    WorkLoop(WorkRules<T, O, E> rules, WorkResources resources, StepExecution step) {
        this.rules = rules;
        this.resources = resources;
        this.step = step;
        this.recorder = new OutcomeRecorder<>(rules, resources);
        this.rejected = RejectedCredentials.of(step.getJobExecution().getExecutionContext());
        this.autocommit = new TransactionTemplate(resources.ownTransaction().getTransactionManager());
        autocommit.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
    }

    RepeatStatus runSlice(StepContribution contribution, BooleanSupplier stopRequested) throws InterruptedException {
        ExecutionContext context = step.getExecutionContext();
        if (startedAt == null) {
            startedAt = resources.clock().instant();
            Optional<String> disabled = rules.disabledBecause();
            if (disabled.isPresent()) {
                context.putString(rules.step().contextPrefix() + ".disabled", disabled.get());
                return RepeatStatus.FINISHED;
            }
            resources.ownTransaction().executeWithoutResult(tx -> rules.beforeFirstClaim(startedAt, context));
        }
        Counts counts = Counts.of(contribution);
        long sliceEnds = System.nanoTime() + SLICE.toNanos();
        while (true) {
            if (claiming && stopRequested.getAsBoolean()) {
                stopClaiming(ASKED_TO_STOP);
            }
            if (claiming) {
                fill(counts);
            }
            if (unrecorded == 0) {
                if (failure != null) {
                    throw failure;
                }
                return RepeatStatus.FINISHED;
            }
            Event<T, O, E> next = events.poll(Math.max(0, sliceEnds - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                return RepeatStatus.CONTINUABLE;
            }
            for (; next != null; next = events.poll()) {
                take(next, counts);
            }
            if (System.nanoTime() >= sliceEnds) {
                return RepeatStatus.CONTINUABLE;
            }
        }
    }

    /** At the end of the step, however it ended: waits for calls still in flight, then says what happened. */
    ExitStatus finish() throws InterruptedException {
        claiming = false;
        Counts counts = Counts.of(step);
        while (unrecorded > 0) {
            take(events.take(), counts);
        }
        resources.budget().giveBack(reserved);
        reserved = 0;
        rejected.saveTo(step.getJobExecution().getExecutionContext());
        ExecutionContext context = step.getExecutionContext();
        String disabledKey = rules.step().contextPrefix() + ".disabled";
        String stoppedKey = rules.step().contextPrefix() + ".stopped_because";
        String summary = context.containsKey(disabledKey) ? "disabled: " + context.getString(disabledKey)
                : rules.describe(TallyCounts.summary(context, rules.step()), context)
                + (context.containsKey(stoppedKey) ? "; stopped early: " + context.getString(stoppedKey) : "");
        if (heldBack > 0) {
            rules.heldBack(heldBack, heldBackExample);
        }
        log.info("{}: {}", rules.step().stepName(), summary);
        ExitStatus exit = step.getExitStatus().addExitDescription(summary);
        if (!rejectedHere.isEmpty() && ExitStatus.COMPLETED.getExitCode().equals(exit.getExitCode())) {
            exit = exit.replaceExitCode(RejectedCredentials.EXIT_CODE).addExitDescription("Fullscript rejected the client "
                    + "credentials of region " + String.join(", ", rejectedHere.stream().map(Region::code).toList())
                    + ": its rows were held back, the rest went on");
        }
        return exit;
    }

    private void fill(Counts counts) {
        int concurrency = resources.properties().concurrency();
        // Calls in flight are the limit; rows still being recorded also hold a thread (the pool has 2 x
        // concurrency), so a slow database cannot pile up claimed rows whose leases run out in the pool's queue.
        int free = Math.min(concurrency - calling, 2 * concurrency - unrecorded);
        if (free <= 0) {
            return;
        }
        Instant now = resources.clock().instant();
        // A step that starts during a pause stops before touching the budget; later, the claim itself leaves every
        // row alone during a pause (ClaimRequest.EXCLUSIONS), and an empty claim asks why.
        Optional<String> reason = claimedBefore ? rules.noMoreClaims(now, startedAt) : paused(now);
        if (reason.isPresent()) {
            stopClaiming(reason.get());
            return;
        }
        if (reserved > 0 && System.nanoTime() - reservedAtNanos > RESERVE_MAX_AGE.toNanos()) {
            // The budget counts a permit when it is taken; a request sent long after would fall in a later window.
            resources.budget().giveBack(reserved);
            reserved = 0;
        }
        if (reserved < free) {
            reserved += rules.step().budgetShare().acquire(resources.budget(),
                    resources.properties().concurrency() - reserved);
            reservedAtNanos = System.nanoTime();
        }
        int permits = Math.min(free, reserved);
        if (permits == 0) {
            // A running pause is the better reason: the budget may well be spent because of it.
            stopClaiming(paused(now).orElse(rules.step().budgetShare().spentReason()));
            return;
        }
        // A row handed out is excluded until its outcome is taken: its slot may be free while a release (nothing
        // was sent) is being committed, and the row must not come back to this step run before it is skipped.
        Set<Long> excluded = new HashSet<>(skipped);
        excluded.addAll(inHand);
        ClaimRequest request = new ClaimRequest(resources.worker().id(), now, resources.properties().lease(),
                permits, rejected.codes(), excluded);
        List<T> claimed = (rules.claimIsOneStatement() ? autocommit : resources.ownTransaction())
                .execute(tx -> rules.claim(request));
        claimedBefore = true;
        reserved -= claimed.size();
        counts.read(claimed.size());
        if (claimed.isEmpty()) {
            // Paused (the claim leaves every row alone during a 429 pause), or nothing due now: the step ends once
            // its calls are recorded, and the job runs again on schedule.
            paused(now).ifPresentOrElse(this::stopClaiming, () -> claiming = false);
            return;
        }
        for (T row : claimed) {
            calling++;
            unrecorded++;
            inHand.add(row.id());
            try {
                resources.calls().execute(() -> callAndRecord(row));
            } catch (RejectedExecutionException e) {
                events.add(new CallEnded<>());
                events.add(new Finished<>(row, null, null, false, e));
            }
        }
    }

    /**
     * On a call thread: one row from its call to its recorded outcome. Never throws: the step thread decides. The
     * slot is freed once the call is answered, except after a 429: its pause must be in the database before the
     * slot claims again, or every slot freed meanwhile would meet the same 429.
     */
    private void callAndRecord(T row) {
        O outcome;
        boolean firstRefusal;
        try {
            outcome = rules.call(row);
            firstRefusal = outcome.rejectedRegion()
                    .map(region -> rejected.add(region, outcome.requestId()))
                    .orElse(false);
        } catch (Throwable e) {
            events.add(new CallEnded<>());
            events.add(new Finished<>(row, null, null, false, e));
            return;
        }
        boolean slotHeldUntilRecorded = outcome.pauseAllUntil().isPresent();
        if (!slotHeldUntilRecorded) {
            events.add(new CallEnded<>());
        }
        recorder.record(row, outcome, (tally, failure) -> {
            if (slotHeldUntilRecorded) {
                events.add(new CallEnded<>());
            }
            events.add(new Finished<>(row, failure == null ? outcome : null, tally, firstRefusal, failure));
        });
    }

    /** On the step thread: frees a slot, or counts one recorded row into the step. */
    private void take(Event<T, O, E> event, Counts counts) {
        if (event instanceof CallEnded<T, O, E>) {
            calling--;
        } else if (event instanceof Finished<T, O, E> done) {
            unrecorded--;
            inHand.remove(done.row().id());
            take(done, counts);
        }
    }

    private void take(Finished<T, O, E> done, Counts counts) {
        if (done.failure() != null) {
            log.error("{}: {} failed unexpectedly; it keeps its lease until that lapses, and the step fails once "
                    + "the other calls are recorded", rules.step().stepName(), done.row().describe(), done.failure());
            if (failure == null) {
                failure = done.failure() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(done.failure());
            }
            claiming = false;
            return;
        }
        TallyCounts.add(step.getExecutionContext(), rules.step().key(done.tally()), 1);
        if (rules.step().written().contains(done.tally())) {
            counts.written();
        } else {
            counts.filtered();
        }
        if (rules.step().notSent().contains(done.tally())) {
            resources.budget().giveBack(1);
            skipped.add(done.row().id());
        }
        if (rules.isHeldBack(done.outcome()) && heldBack++ == 0) {
            heldBackExample = done.row().describe() + ": " + done.outcome().reason();
        }
        done.outcome().rejectedRegion().ifPresent(region -> refused(region, done));
    }

    private void refused(Region region, Finished<T, O, E> done) {
        rejectedHere.add(region);
        if (done.firstRefusal()) {
            // The execution's end logs the refusal at ERROR, once, with what to fix; this line only dates it.
            log.info("{}: region {} held back for the rest of this execution: Fullscript refused its client "
                    + "credentials{}", rules.step().stepName(), region.code(),
                    RequestIdSuffix.of(done.outcome().requestId()));
            resources.events().publishEvent(new RegionCredentialsRejected(region, done.outcome().requestId()));
        }
    }

    /** Why claims stop when Fullscript's 429 pause runs at {@code now}, if it does. */
    private Optional<String> paused(Instant now) {
        return resources.throttle().pausedUntil(now)
                .map(until -> "Fullscript asked to slow down (429): paused until " + until);
    }

    private void stopClaiming(String reason) {
        claiming = false;
        step.getExecutionContext().putString(rules.step().contextPrefix() + ".stopped_because", reason);
    }

    /** What a call thread tells the step thread, in this order for each row. */
    private sealed interface Event<T, O, E> permits CallEnded, Finished {
    }

    /** The call is answered (or failed): its slot may take the next row while this one is recorded. */
    private record CallEnded<T, O, E>() implements Event<T, O, E> {
    }

    private record Finished<T, O, E>(T row, O outcome, E tally, boolean firstRefusal, Throwable failure)
            implements Event<T, O, E> {
    }

    /** Where counts go: the chunk's contribution while the step runs, the step itself once it has ended. */
    private interface Counts {
        void read(int rows);

        void written();

        void filtered();

        static Counts of(StepContribution contribution) {
            return new Counts() {
                @Override
                public void read(int rows) {
                    for (int i = 0; i < rows; i++) {
                        contribution.incrementReadCount();
                    }
                }

                @Override
                public void written() {
                    contribution.incrementWriteCount(1);
                }

                @Override
                public void filtered() {
                    contribution.incrementFilterCount(1);
                }
            };
        }

        static Counts of(StepExecution step) {
            return new Counts() {
                @Override
                public void read(int rows) {
                    step.setReadCount(step.getReadCount() + rows);
                }

                @Override
                public void written() {
                    step.setWriteCount(step.getWriteCount() + 1);
                }

                @Override
                public void filtered() {
                    step.setFilterCount(step.getFilterCount() + 1);
                }
            };
        }
    }
}
