package com.clinic.tokenworker.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Without a terminal (CI, a pipe, a test): one INFO line when the counts move, or every few seconds if not. */
final class LogLineDisplay implements DemoProgress {

    private static final Logger log = LoggerFactory.getLogger("com.clinic.tokenworker.demo.Progress");
    static final Duration QUIET_AT_MOST = Duration.ofSeconds(5);

    private final Clock clock;
    private CodeCounts last;
    private Instant lastLine;

    LogLineDisplay(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void update(CodeCounts counts, int executions) {
        Instant now = clock.instant();
        if (counts.equals(last) && Duration.between(lastLine, now).compareTo(QUIET_AT_MOST) < 0) {
            return;
        }
        last = counts;
        lastLine = now;
        log.info("demo: {} of {} codes final after {} execution(s) ({}); {} still waiting", counts.settled(),
                counts.total(), executions, DemoProgress.breakdown(counts), counts.waiting());
    }

    @Override
    public void close() {
        // nothing to tidy: every line is already out
    }
}
