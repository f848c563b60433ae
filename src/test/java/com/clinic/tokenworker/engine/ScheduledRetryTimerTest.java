package com.clinic.tokenworker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScheduledRetryTimerTest {

    @Test
    void aTaskStartsAfterItsDelayOnTheTimersOwnThread() {
        AtomicLong startedAfterNanos = new AtomicLong(-1);
        String[] thread = new String[1];
        try (ScheduledRetryTimer timer = new ScheduledRetryTimer()) {
            long scheduled = System.nanoTime();
            timer.after(Duration.ofMillis(200), () -> {
                thread[0] = Thread.currentThread().getName();
                startedAfterNanos.set(System.nanoTime() - scheduled);
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> startedAfterNanos.get() >= 0);
        }
        assertThat(Duration.ofNanos(startedAfterNanos.get())).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(thread[0]).isEqualTo("grant-retry-timer");
    }

    /** A grant's row must always hear how its recording ended, even when the context closes in between. */
    @Test
    void closingStillStartsTheTasksAlreadyScheduledAndRefusesNewOnes() {
        AtomicLong ran = new AtomicLong();
        ScheduledRetryTimer timer = new ScheduledRetryTimer();
        timer.after(Duration.ofMillis(100), ran::incrementAndGet);
        timer.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
        assertThatThrownBy(() -> timer.after(Duration.ZERO, ran::incrementAndGet))
                .isInstanceOf(RejectedExecutionException.class);
    }
}
