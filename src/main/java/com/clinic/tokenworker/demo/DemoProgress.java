package com.clinic.tokenworker.demo;

/** Shows the demo's progress after each execution: a bar on a terminal, log lines anywhere else. */
public interface DemoProgress extends AutoCloseable {

    void update(CodeCounts counts, int executions);

    @Override
    void close();

    /** @param terminal whether a person is watching (System.console() is not null) */
    static DemoProgress choose(boolean terminal, int total, java.time.Clock clock) {
        return terminal ? new ProgressBarDisplay(total, System.err) : new LogLineDisplay(clock);
    }

    /** Short enough to sit beside a bar in an 80-column terminal. */
    static String breakdown(CodeCounts counts) {
        return "exchanged " + counts.exchanged() + ", expired " + counts.expired() + ", failed " + counts.failed()
                + (counts.retrying() > 0 ? ", retrying " + counts.retrying() : "");
    }
}
