package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.simulator.LatencyProfile;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The benchmark of issue 8, run by {@code mvn -Pbench verify}: every scenario against the packaged worker as
 * child processes. A missed goal is reported, never a failure; a scenario that crashes (no figure) fails its test
 * and so the build. Results: target/bench/results.md, results.json and the PNG charts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerBenchmark {

    private static BenchSettings settings;
    private static BenchDatabase database;
    private static BenchContext bench;
    private static BenchReport report;

    @FunctionalInterface
    private interface Scenario {
        List<ScenarioResult> run() throws Exception;
    }

    @BeforeAll
    static void start() throws Exception {
        Instant started = Instant.now();
        settings = BenchSettings.fromSystemProperties();
        Files.createDirectories(settings.logs());
        Files.deleteIfExists(settings.out().resolve("postgres.log"));
        database = BenchDatabase.start(settings.out());
        report = new BenchReport(Machine.describe(database.version(), settings.basedir()), started);
        bench = new BenchContext(settings, database);
        bench.prepareTemplate();
        System.out.println("[bench] database and template ready in "
                + Duration.between(started, Instant.now()).toSeconds() + " s");
    }

    @AfterAll
    static void finish() throws Exception {
        try {
            Map<String, List<Double>> modes = bench == null ? Map.of() : bench.receiptToTokenByMode();
            if (!modes.isEmpty()) {
                Charts.receiptToToken(settings.out().resolve("receipt-to-token.png"), modes);
                report.results().stream().filter(r -> r.id.equals("1") || r.id.equals("2")).findFirst()
                        .ifPresent(r -> r.charts.add("receipt-to-token.png"));
            }
            if (report != null) {
                report.write(settings.out(), settings);
                System.out.println("[bench] results: " + settings.out().resolve("results.md"));
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    @Order(1)
    void receiptToTokenDaemon() throws Exception {
        measure("1", "receipt-to-token, daemon", () -> List.of(ReceiptToTokenDaemon.run(bench)));
    }

    @Test
    @Order(2)
    void receiptToTokenShippedCronJob() throws Exception {
        measure("2", "receipt-to-token, shipped CronJob", () -> List.of(ReceiptToTokenCron.run(bench)));
    }

    @Test
    @Order(3)
    void drainAtFixedLatency() throws Exception {
        measure("3", "drain, 400 ms fixed latency", () -> List.of(Drain.run(bench, "3",
                "drain, 400 ms fixed latency", LatencyProfile.fixed(Duration.ofMillis(400)), 0.95)));
    }

    @Test
    @Order(4)
    void drainAtUnevenLatency() throws Exception {
        measure("4", "drain, uneven latency", () -> List.of(Drain.run(bench, "4", "drain, uneven latency",
                LatencyProfile.uneven(Duration.ofMillis(200), 10, Duration.ofSeconds(2)), 0.90)));
    }

    @Test
    @Order(5)
    void deadlinePressure() throws Exception {
        measure("5", "deadline pressure", () -> List.of(DeadlinePressure.run(bench)));
    }

    @Test
    @Order(6)
    void coldStart() throws Exception {
        measure("6", "cold start of run", () -> ColdStart.run(bench));
    }

    @Test
    @Order(7)
    void ceiling() throws Exception {
        measure("7", "ceiling at 0 ms latency", () -> Ceiling.run(bench));
    }

    @Test
    @Order(8)
    void backlogScale() throws Exception {
        measure("8", "backlog scale", () -> List.of(BacklogScale.run(bench)));
    }

    private static void measure(String id, String title, Scenario scenario) throws Exception {
        long start = System.nanoTime();
        System.out.println("[bench] scenario " + id + " (" + title + ") starts");
        try {
            List<ScenarioResult> results = scenario.run();
            results.forEach(report::add);
            for (ScenarioResult r : results) {
                if (r.verdict() == ScenarioResult.Verdict.CRASHED) {
                    throw new AssertionError("scenario " + r.id + " produced no figure: " + r.error);
                }
            }
        } catch (Exception | AssertionError e) {
            if (report.results().stream().noneMatch(r -> r.id.startsWith(id))) {
                ScenarioResult crashed = new ScenarioResult(id, title);
                crashed.error = e.getClass().getSimpleName() + ": " + e.getMessage();
                report.add(crashed);
            }
            throw e;
        } finally {
            System.out.println("[bench] scenario " + id + " took " + (System.nanoTime() - start) / 1_000_000_000
                    + " s");
        }
    }
}
