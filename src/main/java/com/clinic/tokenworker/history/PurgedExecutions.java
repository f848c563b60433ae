package com.clinic.tokenworker.history;

/** What one purge of job history deleted: executions, their step executions, and the instances they left empty. */
public record PurgedExecutions(int executions, int stepExecutions, int instances) {

    public static final PurgedExecutions NONE = new PurgedExecutions(0, 0, 0);
}
