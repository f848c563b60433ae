package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * Scenario 1: `daemon` with default settings; codes arrive 5 a second while Fullscript answers in 50 ms. The
 * figure is the p99 of receipt-to-token, read from the database.
 */
final class ReceiptToTokenDaemon {

    /** 150 codes: within the default budget's burst of 100 plus its 3.3 a second, so the budget never decides. */
    static final Duration ARRIVALS = Duration.ofSeconds(30);
    static final Duration EVERY = Duration.ofMillis(200);
    static final Duration LATENCY = Duration.ofMillis(50);

    private ReceiptToTokenDaemon() {
    }

    static ScenarioResult run(BenchContext bench) throws Exception {
        ScenarioResult result = new ScenarioResult("1", "receipt-to-token, daemon");
        result.method = "`java -jar fullscript-token-worker.jar daemon` with default settings (only the database, the "
                + "US credentials and the key set). Once a first code has been exchanged (the daemon is up), "
                + "codes arrive one every 200 ms for " + ARRIVALS.toSeconds() + " s; the fake Fullscript answers "
                + "in 50 ms. Receipt-to-token = finished_at - received_at of each row (database).";
        DatabaseTarget db = bench.freshDatabase("s1_daemon");
        try (FakeFullscriptServer fullscript = BenchContext.fullscript()) {
            fullscript.setLatency(LATENCY);
            List<Double> reference = SyncExchange.measure(fullscript, 20);
            WebTier web = new WebTier(db, fullscript);
            try (ChildProcess daemon = bench.workers.start("s1-daemon", Workers.environment(db, fullscript),
                    "daemon")) {
                long firstId;
                try (Connection c = web.connect()) {
                    long sentinel = web.receiveOne(c);
                    if (!web.awaitFinal(sentinel, Duration.ofMinutes(2))) {
                        throw new IllegalStateException("the daemon exchanged no code within 2 min:\n"
                                + daemon.tail(30));
                    }
                    firstId = sentinel + 1;
                    Arrivals.steady(c, web, EVERY, ARRIVALS);
                }
                if (!web.awaitAllFinal(Duration.ofMinutes(2))) {
                    result.note("some codes were still waiting 2 min after the last arrival");
                }
                daemon.terminate(Duration.ofMinutes(1));
                return ReceiptToToken.report(bench, result, "daemon", web.finished(firstId), reference,
                        Duration.ofSeconds(1), "p99");
            }
        }
    }
}
