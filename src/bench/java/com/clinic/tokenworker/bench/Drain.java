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
 * Scenarios 3 and 4: a backlog of 480 codes drained by one `run` at concurrency 16. Throughput = codes /
 * (last finished_at - first finished_at + one mean call): the time from the first call's start to the last
 * call's end when calls take their mean. Ideal = concurrency / mean call time.
 */
final class Drain {

    static final int CODES = 480;
    static final int CONCURRENCY = 16;

    private Drain() {
    }

    static ScenarioResult run(BenchContext bench, String id, String title, LatencyProfile latency, double goal)
            throws Exception {
        ScenarioResult result = new ScenarioResult(id, title);
        double meanSeconds = latency.mean().toNanos() / 1e9;
        result.method = CODES + " codes waiting, then `java -jar fullscript-token-worker.jar run` with "
                + "TOKENWORKER_CONCURRENCY=" + CONCURRENCY + " and TOKENWORKER_REQUESTS_PER_5MIN=5000 (its first "
                + "burst of 500 covers the drain, so the budget never holds it up); fake latency " + describe(latency)
                + ", mean " + Stats.round(meanSeconds * 1000, 0) + " ms. Throughput = codes / (last finished_at - "
                + "first finished_at + mean call), from the database; ideal = concurrency / mean call. "
                + "PlainWorker drains the same backlog first, in the same run, to show what the machine allowed at "
                + "that moment.";
        try (FakeFullscriptServer fullscript = BenchContext.fullscript()) {
            List<WebTier.Done> plain = drain(bench, fullscript, latency, "s" + id + "_plain", true);
            List<WebTier.Done> done = drain(bench, fullscript, latency, "s" + id + "_drain", false);
            List<WebTier.Done> exchanged = done.stream().filter(d -> d.status().equals("EXCHANGED")).toList();
            if (exchanged.size() < 2) {
                throw new IllegalStateException("run exchanged " + exchanged.size() + " codes; see its log");
            }
            double throughput = throughput(exchanged, meanSeconds);
            double seconds = exchanged.size() / throughput;
            double ideal = CONCURRENCY / meanSeconds;
            double plainThroughput = throughput(plain, meanSeconds);
            result.detail("PlainWorker (scenario 7's plain implementation) on the same backlog, same run",
                    Stats.round(plainThroughput, 1) + " codes/s = " + Stats.round(plainThroughput / ideal, 2)
                            + " of ideal: what this machine allowed at the time");
            result.figure(Stats.round(throughput, 1) + " codes/s (" + exchanged.size() + " in "
                    + Stats.round(seconds, 1) + " s)", throughput, "codes/s");
            result.reference("ideal " + CONCURRENCY + " / " + Stats.round(meanSeconds, 2) + " s = "
                    + Stats.round(ideal, 1) + " codes/s", throughput / ideal);
            double bound = zeroOverheadBound(latency, meanSeconds);
            result.detail("zero-overhead bound: " + CONCURRENCY + " slots taking the fake's delays in arrival order, "
                    + "each call starting the instant a slot is free, measured the same way",
                    Stats.round(bound, 1) + " codes/s = " + Stats.round(bound / ideal, 2) + " of ideal; the worker "
                            + "reached " + Stats.round(throughput / bound, 2) + " of it");
            result.goal("throughput / ideal >= " + goal + whyUnreachable(goal, bound / ideal, plainThroughput / ideal),
                    throughput / ideal >= goal);
            result.detail("worker / PlainWorker", Stats.round(throughput / plainThroughput, 2));
            result.detail("codes by final status", done.stream().collect(
                    Collectors.groupingBy(WebTier.Done::status, TreeMap::new, Collectors.counting())));
            drawn(bench, result, id, exchanged, plain);
            return result;
        }
    }

    /**
     * Says so when the goal is out of reach for any engine at this moment: above the zero-overhead bound, or above
     * what PlainWorker (no Spring, no Batch, one claim per call) reached on the same machine in the same run.
     */
    private static String whyUnreachable(double goal, double boundRatio, double plainRatio) {
        if (boundRatio < goal) {
            return " (above the zero-overhead bound " + Stats.round(boundRatio, 2) + ": the slow calls still running "
                    + "at the end make it unreachable for an engine that takes the codes in order)";
        }
        if (plainRatio < goal) {
            return " (PlainWorker reached only " + Stats.round(plainRatio, 2) + " of ideal in the same run: the "
                    + "machine's own cost per call, not the engine's, is what stands between it and the goal)";
        }
        return "";
    }

    private static List<WebTier.Done> drain(BenchContext bench, FakeFullscriptServer fullscript,
                                            LatencyProfile latency, String name, boolean plain) throws Exception {
        DatabaseTarget db = bench.freshDatabase(name);
        WebTier web = new WebTier(db, fullscript);
        try (Connection c = web.connect()) {
            web.receive(c, CODES, Duration.ZERO);
        }
        fullscript.setLatency(latency);
        Map<String, String> env = Workers.with(Workers.environment(db, fullscript),
                "TOKENWORKER_CONCURRENCY", String.valueOf(CONCURRENCY), "TOKENWORKER_REQUESTS_PER_5MIN", "5000");
        try (ChildProcess run = plain ? bench.workers.startPlain(name.replace('_', '-'), env)
                : bench.workers.start(name.replace('_', '-'), env, "run")) {
            int exit = run.awaitExit(Duration.ofMinutes(4));
            if (exit != 0) {
                throw new IllegalStateException(run.name() + " exited " + exit + ":\n" + run.tail(30));
            }
        }
        return web.finished(0);
    }

    /**
     * What an engine with no overhead at all would measure: {@link #CONCURRENCY} slots, the fake's delays in
     * arrival order (they are deterministic), every call starting the instant a slot frees, through the same
     * formula as the worker. The ideal ignores the drain's tail, where the slowest calls run with the other slots
     * idle: this bound does not.
     */
    static double zeroOverheadBound(LatencyProfile latency, double meanSeconds) {
        java.util.PriorityQueue<Double> slots = new java.util.PriorityQueue<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            slots.add(0.0);
        }
        double firstEnd = Double.MAX_VALUE;
        double lastEnd = 0;
        for (long request = 1; request <= CODES; request++) {
            double end = slots.poll() + latency.delayOf(request).toNanos() / 1e9;
            slots.add(end);
            firstEnd = Math.min(firstEnd, end);
            lastEnd = Math.max(lastEnd, end);
        }
        return CODES / (lastEnd - firstEnd + meanSeconds);
    }

    /** codes / (last finished - first finished + one mean call): the drain's length if calls took their mean. */
    private static double throughput(List<WebTier.Done> done, double meanSeconds) {
        List<WebTier.Done> exchanged = done.stream().filter(d -> d.status().equals("EXCHANGED")).toList();
        if (exchanged.size() < 2) {
            return Double.NaN;
        }
        double first = exchanged.get(0).finishedMillis();
        double last = exchanged.get(exchanged.size() - 1).finishedMillis();
        return exchanged.size() / ((last - first) / 1000.0 + meanSeconds);
    }

    private static void drawn(BenchContext bench, ScenarioResult result, String id, List<WebTier.Done> worker,
                              List<WebTier.Done> plain) throws Exception {
        String file = "drain-" + id + ".png";
        Charts.lines(bench.settings.out().resolve(file), result.title + ": codes exchanged over time",
                "seconds since the first exchange", "codes exchanged",
                List.of(overTime("worker", worker), overTime("PlainWorker", plain)));
        result.charts.add(file);
    }

    private static Charts.Line overTime(String name, List<WebTier.Done> done) {
        List<WebTier.Done> exchanged = done.stream().filter(d -> d.status().equals("EXCHANGED")).toList();
        double[] x = new double[exchanged.size()];
        double[] y = new double[exchanged.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (exchanged.get(i).finishedMillis() - exchanged.get(0).finishedMillis()) / 1000.0;
            y[i] = i + 1;
        }
        return new Charts.Line(name, x, y);
    }

    static String describe(LatencyProfile latency) {
        if (latency.slowOneIn() == 0) {
            return latency.base().toMillis() + " ms";
        }
        return latency.base().toMillis() + " ms, one call in " + latency.slowOneIn() + " "
                + latency.slow().toMillis() + " ms";
    }
}
