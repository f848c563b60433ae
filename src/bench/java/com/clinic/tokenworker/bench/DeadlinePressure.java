package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.LatencyProfile;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Scenario 5: 1,500 codes land at once with 2 minutes left before their 10-minute deadline (received 8 minutes
 * ago), uneven latency, default concurrency, TOKENWORKER_REQUESTS_PER_5MIN=5000. How many were EXCHANGED, against
 * how many could have been: the budget allows its burst (a tenth of it) at once and then the rest of it spread
 * over 5 minutes, and the concurrency allows concurrency / mean call per second.
 */
final class DeadlinePressure {

    static final int CODES = 1500;
    static final Duration LEFT = Duration.ofMinutes(2);
    static final int REQUESTS_PER_5MIN = 5000;
    static final int DEFAULT_CONCURRENCY = 8;
    static final LatencyProfile LATENCY = LatencyProfile.uneven(Duration.ofMillis(200), 10, Duration.ofSeconds(2));

    private DeadlinePressure() {
    }

    static ScenarioResult run(BenchContext bench) throws Exception {
        ScenarioResult result = new ScenarioResult("5", "deadline pressure");
        double left = LEFT.toSeconds();
        double burst = REQUESTS_PER_5MIN / 10.0;
        double refillPerSecond = (REQUESTS_PER_5MIN - burst) / 300.0;
        double byBudget = burst + refillPerSecond * left;
        double mean = LATENCY.mean().toNanos() / 1e9;
        double byConcurrency = DEFAULT_CONCURRENCY / mean * left;
        double couldHave = Math.min(CODES, Math.min(byBudget, byConcurrency));
        result.method = "`java -jar fullscript-token-worker.jar daemon` with TOKENWORKER_REQUESTS_PER_5MIN=5000 and "
                + "otherwise default settings (concurrency " + DEFAULT_CONCURRENCY + "). Once it has exchanged a "
                + "first code, " + CODES + " codes are inserted in one transaction with received_at 8 minutes ago "
                + "(2 minutes before their deadline); fake latency " + Drain.describe(LATENCY) + ". Could have been "
                + "exchanged = min(codes, budget " + (int) burst + " + " + Stats.round(refillPerSecond, 1)
                + "/s x 120 s = " + (int) byBudget + ", concurrency " + DEFAULT_CONCURRENCY + " / "
                + Stats.round(mean, 2) + " s x 120 s = " + (int) byConcurrency + ").";
        DatabaseTarget db = bench.freshDatabase("s5_deadline");
        try (FakeFullscriptServer fullscript = BenchContext.fullscript()) {
            WebTier web = new WebTier(db, fullscript);
            Map<String, String> env = Workers.with(Workers.environment(db, fullscript),
                    "TOKENWORKER_REQUESTS_PER_5MIN", String.valueOf(REQUESTS_PER_5MIN));
            try (ChildProcess daemon = bench.workers.start("s5-daemon", env, "daemon");
                 Connection c = web.connect()) {
                long sentinel = web.receiveOne(c);
                if (!web.awaitFinal(sentinel, Duration.ofMinutes(2))) {
                    throw new IllegalStateException("the daemon exchanged no code within 2 min:\n" + daemon.tail(30));
                }
                fullscript.setLatency(LATENCY);
                double inserted = web.databaseNowMillis();
                web.receive(c, CODES, Duration.ofMinutes(10).minus(LEFT));
                if (!web.awaitAllFinal(LEFT.plusSeconds(60))) {
                    result.note("codes still waiting a minute after their deadline");
                }
                daemon.terminate(Duration.ofMinutes(1));
                List<WebTier.Done> done = web.finished(sentinel + 1);
                Map<String, Long> statuses = done.stream().collect(
                        Collectors.groupingBy(WebTier.Done::status, TreeMap::new, Collectors.counting()));
                long exchanged = statuses.getOrDefault("EXCHANGED", 0L);
                result.figure(exchanged + " EXCHANGED of " + CODES + " (" + statuses + ")", exchanged, "codes");
                result.reference("could have been exchanged: " + (int) couldHave, exchanged / couldHave);
                result.goal("EXCHANGED / could have been >= 0.98", exchanged / couldHave >= 0.98);
                result.detail("requests the fake answered", fullscript.tokenRequestCount());
                chart(bench, result, done, inserted, burst, refillPerSecond);
                return result;
            }
        }
    }

    private static void chart(BenchContext bench, ScenarioResult result, List<WebTier.Done> done, double inserted,
                              double burst, double refillPerSecond) throws Exception {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        int n = 0;
        for (WebTier.Done d : done) {
            if (d.status().equals("EXCHANGED")) {
                x.add((d.finishedMillis() - inserted) / 1000.0);
                y.add((double) ++n);
            }
        }
        double end = Math.max(LEFT.toSeconds() + 20, x.isEmpty() ? 0 : x.get(x.size() - 1) + 5);
        List<Double> bx = new ArrayList<>();
        List<Double> by = new ArrayList<>();
        for (double t = 0; t <= end; t += 1) {
            bx.add(t);
            by.add(Math.min(CODES, burst + refillPerSecond * t));
        }
        String file = "deadline-burst.png";
        Charts.lines(bench.settings.out().resolve(file), "1,500 codes with 2 minutes left: codes exchanged over time",
                "seconds since the codes landed", "codes", List.of(
                        new Charts.Line("EXCHANGED (worker)", Stats.toArray(x), Stats.toArray(y)),
                        new Charts.Line("what the budget allows", Stats.toArray(bx), Stats.toArray(by)),
                        new Charts.Line("deadline", new double[] {LEFT.toSeconds(), LEFT.toSeconds()},
                                new double[] {0, CODES})));
        result.charts.add(file);
    }
}
