package com.clinic.tokenworker.simulator;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * Picks a fault for a request by the configured rates, from a seeded {@link Random} so a developer can replay
 * a run. Only faults a real deployment produces on its own are drawn; body corruption is left to tests.
 */
final class RandomFaults {

    private static final int[] SERVER_ERROR_STATUSES = {500, 502, 503, 504};

    private final Random random;
    private final double rateLimited;
    private final double serverError;
    private final double lostResponse;
    private final double invalidGrant;

    RandomFaults(SimulatorOptions options) {
        this.random = new Random(options.randomSeed());
        this.rateLimited = options.rateLimitedRate();
        this.serverError = options.serverErrorRate();
        this.lostResponse = options.lostResponseRate();
        this.invalidGrant = options.invalidGrantRate();
    }

    synchronized Optional<Fault> roll() {
        // One draw against cumulative bands keeps the rates exact and the sequence reproducible.
        double draw = random.nextDouble();
        double band = rateLimited;
        if (draw < band) {
            // Half with Retry-After, half without: Fullscript documents neither, so clients must handle both.
            Duration retryAfter = random.nextBoolean() ? Duration.ofSeconds(1 + random.nextInt(5)) : null;
            return Optional.of(new Fault.RateLimited(retryAfter));
        }
        band += serverError;
        if (draw < band) {
            return Optional.of(new Fault.ServerError(SERVER_ERROR_STATUSES[random.nextInt(SERVER_ERROR_STATUSES.length)]));
        }
        band += lostResponse;
        if (draw < band) {
            return Optional.of(new Fault.LostResponse());
        }
        band += invalidGrant;
        if (draw < band) {
            return Optional.of(new Fault.InvalidGrant());
        }
        return Optional.empty();
    }
}
