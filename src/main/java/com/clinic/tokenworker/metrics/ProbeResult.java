package com.clinic.tokenworker.metrics;

/** The answer of a probe endpoint: 200 with {@code detail} when {@code up}, 503 with it otherwise. */
record ProbeResult(boolean up, String detail) {

    static ProbeResult up(String detail) {
        return new ProbeResult(true, detail);
    }

    static ProbeResult down(String detail) {
        return new ProbeResult(false, detail);
    }

    int httpStatus() {
        return up ? 200 : 503;
    }
}
