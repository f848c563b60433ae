package com.clinic.tokenworker.stress;

import java.time.Duration;

/**
 * A campaign's sizes: system properties (the -Pstress profile passes its long defaults, and any of them can be set
 * on the command line, e.g. {@code -Dstress.kill.rounds=2}), or the short defaults the plain {@code mvn verify}
 * runs with.
 */
final class StressSettings {

    /** The default seed: fixed, so a run repeats the same kill moments and victims; any other can be given. */
    static final long DEFAULT_SEED = 20261201L;

    private StressSettings() {
    }

    static int integer(String name, int fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    static long seed() {
        String value = System.getProperty("stress.seed");
        return value == null || value.isBlank() ? DEFAULT_SEED : Long.parseLong(value.trim());
    }

    static Duration duration(String name, Duration fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : Duration.parse(value.trim());
    }
}
