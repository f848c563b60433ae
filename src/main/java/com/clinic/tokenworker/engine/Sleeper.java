package com.clinic.tokenworker.engine;

import java.time.Duration;

/**
 * Waits between two attempts to store a granted token while the database is away. A bean, so a test replaces it
 * with one that moves its clock instead of waiting.
 */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
