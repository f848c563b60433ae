package com.clinic.tokenworker.stress;

import java.time.Instant;

/** A moment or a span during which a grant in flight could be lost: a SIGKILL, the database away. */
record Disruption(String what, Instant from, Instant to) {

    static Disruption kill(String worker, long pid, Instant at) {
        return new Disruption("SIGKILL of " + worker + " (pid " + pid + ")", at, at);
    }
}
