package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 2: the shipped CronJob mode. Two consecutive pods are simulated as child processes on the cron
 * schedule, compressed: each pod runs the CronJob's args with its window shortened to at most {@link #MAX_WINDOW}
 * (what happens inside a window repeats every interval), while period - window (a gap without a pod, or an
 * overlap of two pods) is kept at its real length, since that is what a code landing between two windows waits
 * out. The CronJob's concurrencyPolicy decides whether pod 2 waits for pod 1 to exit (Forbid) or not.
 */
final class ReceiptToTokenCron {

    static final Duration MAX_WINDOW = Duration.ofSeconds(30);
    /**
     * 2 codes a second, not the daemon scenario's 5: the shipped budget (TOKENWORKER_REQUESTS_PER_5MIN=1000: a
     * burst of 100, then 3.3 a second) cannot sustain 5 a second over two windows and a gap, under any design.
     */
    static final Duration EVERY = Duration.ofMillis(500);

    private ReceiptToTokenCron() {
    }

    static ScenarioResult run(BenchContext bench) throws Exception {
        ScenarioResult result = new ScenarioResult("2", "receipt-to-token, shipped CronJob");
        ShippedCronJob cron = ShippedCronJob.read(bench.settings.basedir());
        Duration difference = cron.periodMinusWindow();
        Duration window = cron.window().compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : cron.window();
        // Overlapping windows: pod 2 must still start after pod 1, at least 20 s later.
        if (difference.isNegative() && window.plus(difference).compareTo(Duration.ofSeconds(20)) < 0) {
            window = Duration.ofSeconds(20).minus(difference);
        }
        Duration gap = difference;
        List<String> args = cron.argsWithWindow(window);
        result.method = "k8s/base/cronjob.yaml says `" + cron.schedule() + "` with args " + cron.args()
                + "; configmap.yaml's settings are the environment. Simulated: pod 1 starts (`java -jar "
                + "fullscript-token-worker.jar " + String.join(" ", args) + "`) and pod 2 starts one compressed "
                + "period later (concurrencyPolicy " + cron.concurrencyPolicy() + "): the windows are shortened to "
                + window.toSeconds() + " s, but period " + cron.period().toSeconds() + " s - window "
                + cron.window().toSeconds() + " s = " + gap.toSeconds() + " s (a gap when positive, an overlap "
                + "when negative) keeps its real length, and so does each pod's JVM start. Codes arrive every "
                + "500 ms (the shipped budget, 1000 requests per 5 min, sustains 3.3 a second: 5 a second would be budget-bound) from pod 1's start until half-way "
                + "through pod 2's window; fake latency 50 ms. "
                + "Receipt-to-token from the database; the worst case is the figure.";
        DatabaseTarget db = bench.freshDatabase("s2_cron");
        try (FakeFullscriptServer fullscript = BenchContext.fullscript()) {
            fullscript.setLatency(ReceiptToTokenDaemon.LATENCY);
            List<Double> reference = SyncExchange.measure(fullscript, 20);
            WebTier web = new WebTier(db, fullscript);
            Map<String, String> env = new HashMap<>(cron.settings());
            env.putAll(Workers.environment(db, fullscript));
            String[] argv = args.toArray(String[]::new);
            Map<String, Double> podTimes = new java.util.concurrent.ConcurrentHashMap<>();
            Duration shortened = window;
            Thread pods = new Thread(() -> podsOnSchedule(bench, env, argv, shortened, gap, cron.forbidsOverlap(),
                    podTimes), "cron-pods");
            long firstId;
            try (Connection c = web.connect()) {
                firstId = web.receiveOne(c);
                pods.start();
                // Arrivals cover pod 1's window, the gap and the first half of pod 2's window.
                Duration arrivals = window.plus(gap).plus(window.dividedBy(2));
                Arrivals.steady(c, web, EVERY, arrivals);
            }
            pods.join(Duration.ofMinutes(4).toMillis());
            if (podTimes.containsKey("error")) {
                throw new IllegalStateException("a simulated pod failed; see target/bench/logs/s2-pod-*.log");
            }
            if (!web.awaitAllFinal(Duration.ofSeconds(30))) {
                result.note("some codes were still waiting when pod 2's window ended");
            }
            List<WebTier.Done> done = web.finished(firstId);
            ReceiptToToken.report(bench, result, "CronJob (simulated)", done, reference, Duration.ofSeconds(15),
                    "max");
            double pod1Exit = podTimes.getOrDefault("pod1Exit", Double.NaN);
            double pod2Start = podTimes.getOrDefault("pod2Start", Double.NaN);
            List<Double> between = done.stream().filter(d -> d.status().equals("EXCHANGED"))
                    .filter(d -> d.receivedMillis() >= pod1Exit && d.receivedMillis() <= pod2Start)
                    .map(WebTier.Done::secondsToToken).toList();
            result.detail("codes that landed with no pod running", between.size() + ", worst "
                    + Stats.round(Stats.max(between), 1) + " s");
            result.detail("period - window (gap > 0, overlap < 0)", gap.toSeconds() + " s");
            double t0 = podTimes.getOrDefault("pod1Start", Double.NaN);
            result.detail("pods (seconds from pod 1's start)", "pod 1 exited at "
                    + Stats.round((pod1Exit - t0) / 1000, 1) + ", pod 2 ran from "
                    + Stats.round((pod2Start - t0) / 1000, 1)
                    + " to " + Stats.round((podTimes.getOrDefault("pod2Exit", Double.NaN) - t0) / 1000, 1));
            double simulated = window.plus(gap).toMillis();
            if (gap.compareTo(Duration.ZERO) > 0) {
                result.note("Only the worst case stands for production: with shortened windows the gap is "
                        + Stats.round(100.0 * gap.toMillis() / simulated, 0) + " % of the simulated period against "
                        + Stats.round(100.0 * gap.toMillis() / cron.period().toMillis(), 0) + " % of the real one, "
                        + "so p50 and p99 here over-weight codes that landed between two windows.");
            }
            result.note("Simulated, not a cluster: no image pull or pod scheduling delay is included; the JVM start "
                    + "of each pod is real.");
            return result;
        }
    }

    private static void podsOnSchedule(BenchContext bench, Map<String, String> env, String[] args, Duration window,
                                       Duration gap, boolean forbid, Map<String, Double> times) {
        try {
            long nextSchedule = System.nanoTime() + window.plus(gap).toNanos();
            times.put("pod1Start", (double) System.currentTimeMillis());
            try (ChildProcess pod1 = bench.workers.start("s2-pod-1", env, args)) {
                if (forbid) {
                    // concurrencyPolicy Forbid: a pod still running when the schedule comes delays the next one.
                    pod1.awaitExit(window.plusMinutes(2));
                }
                long wait = nextSchedule - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                times.put("pod2Start", (double) System.currentTimeMillis());
                try (ChildProcess pod2 = bench.workers.start("s2-pod-2", env, args)) {
                    int exit1 = pod1.awaitExit(window.plusMinutes(2));
                    times.put("pod1Exit", (double) pod1.exitEpochMillis());
                    int exit2 = pod2.awaitExit(window.plusMinutes(2));
                    times.put("pod2Exit", (double) pod2.exitEpochMillis());
                    if (exit1 != 0 || exit2 != 0) {
                        times.put("error", (double) Math.max(exit1, exit2));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            times.put("error", -1.0);
        }
    }
}
