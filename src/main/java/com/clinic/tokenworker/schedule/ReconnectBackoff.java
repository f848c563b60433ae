package com.clinic.tokenworker.schedule;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts to reopen a lost session connection: 1 s doubling up to 60 s, each spread by ±20 % so
 * that the workers of a cluster that lost the database together do not come back in step.
 */
final class ReconnectBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofSeconds(60);

    private Duration next = FIRST;

    Duration next() {
        Duration base = next;
        next = base.multipliedBy(2).compareTo(LONGEST) > 0 ? LONGEST : base.multipliedBy(2);
        double spread = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (base.toMillis() * spread));
    }

    void reset() {
        next = FIRST;
    }
}
