package com.clinic.tokenworker.fullscript;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Collects a response body up to a limit and cancels the stream past it, so a hostile or broken server cannot
 * make the worker buffer an unbounded body; and ends it at a deadline, so a body that trickles in cannot hold a
 * call past the request timeout (java.net.http's own request timeout ends when the headers are in).
 */
final class BoundedBodySubscriber implements BodySubscriber<byte[]> {

    /** One daemon thread for every call's body deadline; a deadline met in time is removed, never run. */
    private static final ScheduledExecutorService DEADLINES = deadlines();

    private final int limit;
    private final long deadlineNanos;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private ScheduledFuture<?> deadline;

    /** @param deadlineNanos on {@link System#nanoTime()}: the whole body must be in by then */
    BoundedBodySubscriber(int limit, long deadlineNanos) {
        this.limit = limit;
        this.deadlineNanos = deadlineNanos;
    }

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fullscript-body-deadline");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            passed();
            return;
        }
        deadline = DEADLINES.schedule(this::passed, left, TimeUnit.NANOSECONDS);
        result.whenComplete((body, failure) -> deadline.cancel(false));
        subscription.request(Long.MAX_VALUE);
    }

    private void passed() {
        if (result.completeExceptionally(new BodyDeadlineException())) {
            subscription.cancel();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            if (buffer.size() + item.remaining() > limit) {
                subscription.cancel();
                result.completeExceptionally(new BodyTooLargeException(limit));
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            buffer.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }
}
