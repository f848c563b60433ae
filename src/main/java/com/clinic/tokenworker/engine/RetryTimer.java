package com.clinic.tokenworker.engine;

import java.time.Duration;

/**
 * Starts a task after a delay: the next attempt to store a granted token while the database is away. No thread
 * waits out the delay, so a slow outage holds no call thread. A bean, so a test replaces it with one that moves
 * its clock and starts the task at once.
 */
@FunctionalInterface
public interface RetryTimer {

    void after(Duration delay, Runnable task);
}
