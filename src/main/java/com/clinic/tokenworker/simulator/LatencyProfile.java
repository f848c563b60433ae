package com.clinic.tokenworker.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the server waits before answering a token or revoke request: {@code base}, except every
 * {@code slowOneIn}-th request, which waits {@code slow}. Deterministic (by arrival order) rather than random, so a
 * benchmark's uneven-latency run gives the same mix of slow calls every time.
 *
 * @param slowOneIn 0 for none: every request waits {@code base}
 */
public record LatencyProfile(Duration base, int slowOneIn, Duration slow) {

    public LatencyProfile {
        requireNotNegative(base, "base");
        requireNotNegative(slow, "slow");
        if (slowOneIn < 0) {
            throw new IllegalArgumentException("slowOneIn must not be negative, was " + slowOneIn);
        }
    }

    public static LatencyProfile fixed(Duration latency) {
        return new LatencyProfile(latency, 0, Duration.ZERO);
    }

    /** {@code base} for most requests, {@code slow} for one in {@code oneIn} (the {@code oneIn}-th, then every one after). */
    public static LatencyProfile uneven(Duration base, int oneIn, Duration slow) {
        if (oneIn < 1) {
            throw new IllegalArgumentException("oneIn must be at least 1, was " + oneIn);
        }
        return new LatencyProfile(base, oneIn, slow);
    }

    /** @param requestNumber 1 for the first request the server answers with this profile */
    public Duration delayOf(long requestNumber) {
        return slowOneIn > 0 && requestNumber % slowOneIn == 0 ? slow : base;
    }

    /** What a request waits on average: the figure an ideal throughput is computed from. */
    public Duration mean() {
        if (slowOneIn == 0) {
            return base;
        }
        return base.multipliedBy(slowOneIn - 1).plus(slow).dividedBy(slowOneIn);
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
