package com.clinic.tokenworker.engine;

/** A row a step holds a lease on: what the loop needs to know of it, whatever the step. */
public interface Claimed {

    long id();

    /** The row's region column as stored (a row may hold an unknown region: the rules decide what that means). */
    String region();

    /** Names the row the way logs and messages may: never a code or a token. */
    String describe();
}
