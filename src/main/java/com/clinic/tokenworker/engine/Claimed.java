package com.clinic.tokenworker.engine;

import java.time.Instant;

/** A row a step holds a lease on: what the loop needs to know of it, whatever the step. */
public interface Claimed {

    long id();

    /** The row's region column as stored (a row may hold an unknown region: the rules decide what that means). */
    String region();

    /** When this worker's lease on the row ends: after it, another worker may take the row over. */
    Instant leaseUntil();

    /** Names the row the way logs and messages may: never a code or a token. */
    String describe();
}
