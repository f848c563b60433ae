package com.clinic.tokenworker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachedReadTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void getWhenCalledRepeatedlyWithinTheTtlThenTheDatabaseIsReadOnce() {
        AtomicInteger reads = new AtomicInteger();
        CachedRead<Integer> cached = new CachedRead<>(reads::incrementAndGet, Duration.ofSeconds(5),
                Duration.ofSeconds(1), executor, nanos::get);

        for (int i = 0; i < 50; i++) {
            assertThat(cached.get().value()).hasValue(1);
        }
        nanos.addAndGet(Duration.ofSeconds(6).toNanos());

        assertThat(cached.get().value()).hasValue(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void getWhenTheReadHangsThenAnswersAfterTheWaitWithAProblemAndStartsNoSecondRead() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        CachedRead<Integer> cached = new CachedRead<>(() -> {
            reads.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 7;
        }, Duration.ofSeconds(5), Duration.ofMillis(100), executor, nanos::get);

        CachedRead.Result<Integer> first = cached.get();
        nanos.addAndGet(Duration.ofSeconds(60).toNanos());
        CachedRead.Result<Integer> second = cached.get();

        assertThat(first.value()).isEmpty();
        assertThat(first.problem()).hasValue("no answer within PT0.1S");
        assertThat(second.value()).isEmpty();
        assertThat(reads).as("a running read is shared, never doubled").hasValue(1);
        release.countDown();
    }

    @Test
    void getWhenTheReadFailsThenReportsTheExceptionTypeOnly() {
        CachedRead<Integer> cached = new CachedRead<>(() -> {
            throw new IllegalStateException("jdbc:postgresql://user:secret@db/x");
        }, Duration.ofSeconds(5), Duration.ofSeconds(1), executor, nanos::get);

        assertThat(cached.get().problem()).hasValue("IllegalStateException");
    }
}
