package com.clinic.tokenworker.simulator;

import java.time.Duration;

/** The only place the simulator sleeps: injected latency and {@link Fault.Slow} are delays by definition. */
final class Pause {

    private Pause() {
    }

    static void of(Duration delay) {
        if (delay == null || delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            // Interrupted means the server is closing; keep the flag so the handler unwinds quickly.
            Thread.currentThread().interrupt();
        }
    }
}
