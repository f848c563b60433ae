package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 8: a backlog of PENDING codes on top of 1,000,000 final rows, at 10,000 and at 100,000 PENDING, each
 * in a database of its own. The worker runs (`run`, at most {@link #RUN_FOR}, then SIGTERM) {@link #ROUNDS} times
 * at each size, the sizes alternating, with statement logging on. Before each run the backlog is topped up to its
 * size and the request budget starts full, so every run does the same work; alternating puts both sizes under
 * the same machine load, which on a shared machine moves sub-millisecond claims more than the backlog does. The
 * claim the worker actually sent is taken from PostgreSQL's log and EXPLAINed (ANALYZE, in a rolled-back
 * transaction). Claim time (the worker's own claims, from the log, and EXPLAIN ANALYZE's execution time) and the
 * worker's heap (the largest heap after a GC in its -Xlog:gc log, -Xmx256m at both sizes) should stay flat from
 * 10k to 100k.
 */
final class BacklogScale {

    static final int FINAL_ROWS = 1_000_000;
    static final int[] PENDING = {10_000, 100_000};
    static final Duration RUN_FOR = Duration.ofSeconds(15);
    static final int ROUNDS = 2;
    static final double FLAT = 1.5;
    private static final Pattern GC_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    /** The claim: takes due rows with SKIP LOCKED and makes them EXCHANGING (the purge's DELETE also skips locks). */
    private static final Pattern CLAIM = Pattern.compile(
            "(?is)^(?!\\s*delete).*oauth_pending_code.*skip\\s+locked.*");
    private static final Pattern EXECUTION_TIME = Pattern.compile("Execution Time: ([0-9.]+) ms");

    private record Phase(int pending, double workerClaimMedianMs, int claims, double explainMedianMs,
                         String plan, boolean partialIndex, double heapAfterGcMb, double peakRssMb, int exchanged) {
    }

    /** One run of the worker at one size. */
    private record Run(List<Double> claimMillis, String lastClaim, double heapAfterGcMb, double peakRssMb,
                       int exchanged) {
    }

    private BacklogScale() {
    }

    static ScenarioResult run(BenchContext bench) throws Exception {
        ScenarioResult result = new ScenarioResult("8", "backlog scale");
        result.method = FINAL_ROWS + " final rows (EXCHANGED, EXPIRED, FAILED, finished a day ago) plus PENDING "
                + "codes, 10,000 in one database and 100,000 in another. " + ROUNDS + " rounds, the sizes "
                + "alternating; before each run the backlog is topped up to its size, ANALYZEd, and the request budget "
                + "starts full. Each run: `java -jar fullscript-token-worker.jar run` with "
                + "TOKENWORKER_REQUESTS_PER_5MIN=5000, JAVA_TOOL_OPTIONS=`-Xmx256m -Xlog:gc:file=...`, fake latency "
                + "0, for at most " + RUN_FOR.toSeconds() + " s (then SIGTERM). Worker claim: the median duration in "
                + "PostgreSQL's log of every claim of a size's runs (the statement with SKIP LOCKED on "
                + "oauth_pending_code). Its last claim (parameters as logged) is EXPLAINed with ANALYZE five times in "
                + "rolled-back transactions. Flat = 100k / 10k <= " + FLAT + ".";
        Map<Integer, DatabaseTarget> databases = new LinkedHashMap<>();
        Map<Integer, List<Run>> runs = new LinkedHashMap<>();
        List<Phase> phases = new ArrayList<>();
        try (FakeFullscriptServer fullscript = BenchContext.fullscript()) {
            for (int pending : PENDING) {
                String dbName = databaseName(pending);
                DatabaseTarget db = bench.freshDatabase(dbName);
                long fill = System.nanoTime();
                fillFinalRows(db);
                result.detail(dbName + ": filling " + FINAL_ROWS + " final rows took", (System.nanoTime() - fill)
                        / 1_000_000_000 + " s");
                bench.database.logStatements(dbName);
                databases.put(pending, db);
                runs.put(pending, new ArrayList<>());
            }
            for (int r = 0; r < ROUNDS; r++) {
                List<Integer> order = new ArrayList<>(databases.keySet());
                if (r % 2 == 1) {
                    Collections.reverse(order);
                }
                for (int pending : order) {
                    DatabaseTarget db = databases.get(pending);
                    prepare(new WebTier(db, fullscript), pending);
                    runs.get(pending).add(runOnce(bench, fullscript, db, pending, r));
                }
            }
            for (int pending : PENDING) {
                phases.add(phase(databases.get(pending), pending, runs.get(pending)));
            }
        }
        Phase small = phases.get(0);
        Phase large = phases.get(1);
        double claimRatio = large.workerClaimMedianMs() / small.workerClaimMedianMs();
        double explainRatio = large.explainMedianMs() / small.explainMedianMs();
        double heapRatio = large.heapAfterGcMb() / small.heapAfterGcMb();
        boolean indexed = small.partialIndex() && large.partialIndex();
        result.figure("claim " + Stats.round(small.workerClaimMedianMs(), 2) + " -> "
                + Stats.round(large.workerClaimMedianMs(), 2) + " ms (worker, median), EXPLAIN ANALYZE "
                + Stats.round(small.explainMedianMs(), 2) + " -> " + Stats.round(large.explainMedianMs(), 2)
                + " ms, heap after GC " + Stats.round(small.heapAfterGcMb(), 0) + " -> "
                + Stats.round(large.heapAfterGcMb(), 0) + " MB, partial index " + (indexed ? "used" : "NOT used"),
                claimRatio, "x");
        result.reference("the same at 10,000 PENDING", Math.max(claimRatio, heapRatio));
        result.goal("claim plan uses a partial index; claim time and heap at 100k / at 10k <= " + FLAT,
                indexed && claimRatio <= FLAT && explainRatio <= FLAT && heapRatio <= FLAT);
        for (Phase p : phases) {
            String k = p.pending() + " PENDING";
            result.detail(k + ": worker claims in " + ROUNDS + " runs", p.claims() + ", median "
                    + Stats.round(p.workerClaimMedianMs(), 2) + " ms; EXPLAIN ANALYZE median "
                    + Stats.round(p.explainMedianMs(), 2) + " ms; largest heap after GC "
                    + Stats.round(p.heapAfterGcMb(), 0) + " MB; peak RSS " + Stats.round(p.peakRssMb(), 0)
                    + " MB; exchanged in the runs " + p.exchanged());
        }
        result.detail("ratios 100k / 10k", "worker claim " + Stats.round(claimRatio, 2) + ", EXPLAIN "
                + Stats.round(explainRatio, 2) + ", heap " + Stats.round(heapRatio, 2));
        result.note("EXPLAIN of the claim at 100,000 PENDING:\n\n```text\n" + large.plan().strip() + "\n```");
        return result;
    }

    private static String databaseName(int pending) {
        return "s8_backlog_" + pending / 1000 + "k";
    }

    private static void fillFinalRows(DatabaseTarget db) throws SQLException {
        try (Connection c = BenchDatabase.connect(db); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref, received_at, status,
                        attempts, finished_at, last_error)
                    SELECT NULL, 'us', 'https://clinic.example/cb', 'old-' || g,
                           now() - interval '1 day' - g * interval '1 second',
                           CASE WHEN g % 20 = 0 THEN 'EXPIRED' WHEN g % 20 = 1 THEN 'FAILED' ELSE 'EXCHANGED' END,
                           1, now() - interval '1 day' - g * interval '1 second' + interval '2 seconds',
                           CASE WHEN g % 20 IN (0, 1) THEN 'bench' END
                    FROM generate_series(1, :rows) g
                    """.replace(":rows", String.valueOf(FINAL_ROWS)));
        }
    }

    /** Tops the backlog up to {@code pending} and empties the request budget's row (Bucket4j starts it full). */
    private static void prepare(WebTier web, int pending) throws SQLException {
        try (Connection c = web.connect(); Statement s = c.createStatement()) {
            int now = count(s, "SELECT count(*) FROM oauth_pending_code WHERE status = 'PENDING'");
            web.receiveBacklog(c, pending - now);
            s.execute("ANALYZE oauth_pending_code");
            s.execute("DELETE FROM tokenworker_rate_bucket");
        }
    }

    private static Run runOnce(BenchContext bench, FakeFullscriptServer fullscript, DatabaseTarget db, int pending,
                               int round) throws Exception {
        String name = "s8-run-" + pending + "-" + round;
        Path gcLog = bench.settings.logs().resolve(name + "-gc.log");
        Files.createDirectories(gcLog.getParent());
        Map<String, String> env = Workers.with(Workers.environment(db, fullscript),
                "TOKENWORKER_REQUESTS_PER_5MIN", "5000", "JAVA_TOOL_OPTIONS", "-Xmx256m -Xlog:gc:file=" + gcLog);
        long before = exchangedBacklog(db);
        long start = System.currentTimeMillis();
        double peakRss;
        try (ChildProcess run = bench.workers.start(name, env, "run")) {
            long until = System.nanoTime() + RUN_FOR.toNanos();
            while (run.isAlive() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            if (run.isAlive()) {
                run.terminate(Duration.ofMinutes(1));
            } else {
                run.awaitExit(Duration.ofSeconds(5));
            }
            peakRss = run.sampler().peakRssKb() / 1024.0;
        }
        long end = System.currentTimeMillis();
        List<StatementLog.Statement> claims = StatementLog.of(bench.database.log(), databaseName(pending)).stream()
                .filter(s -> s.epochMillis() >= start - 1000 && s.epochMillis() <= end + 1000)
                .filter(s -> CLAIM.matcher(s.sql()).matches())
                .filter(s -> StatementLog.withParameters(s).contains("EXCHANGING")).toList();
        if (claims.isEmpty()) {
            throw new IllegalStateException("no claim (SKIP LOCKED, into EXCHANGING) on oauth_pending_code in the "
                    + "log at " + pending + " PENDING; see target/bench/logs/" + name + ".log");
        }
        return new Run(claims.stream().map(StatementLog.Statement::durationMillis).toList(),
                StatementLog.withParameters(claims.get(claims.size() - 1)), largestHeapAfterGc(gcLog), peakRss,
                (int) (exchangedBacklog(db) - before));
    }

    private static Phase phase(DatabaseTarget db, int pending, List<Run> runs) throws SQLException {
        List<Double> durations = runs.stream().flatMap(r -> r.claimMillis().stream()).toList();
        String claim = runs.get(runs.size() - 1).lastClaim();
        List<Double> explained = new ArrayList<>();
        String plan = "";
        try (Connection c = BenchDatabase.connect(db)) {
            c.setAutoCommit(false);
            for (int i = 0; i < 5; i++) {
                plan = explain(c, claim);
                c.rollback();
                Matcher m = EXECUTION_TIME.matcher(plan);
                if (m.find()) {
                    explained.add(Double.parseDouble(m.group(1)));
                }
            }
        }
        return new Phase(pending, Stats.median(durations), durations.size(), Stats.median(explained), plan,
                usesPartialIndex(db, plan), runs.stream().mapToDouble(Run::heapAfterGcMb).max().orElse(Double.NaN),
                runs.stream().mapToDouble(Run::peakRssMb).max().orElse(Double.NaN),
                runs.stream().mapToInt(Run::exchanged).sum());
    }

    private static String explain(Connection c, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static boolean usesPartialIndex(DatabaseTarget db, String plan) throws SQLException {
        if (plan.matches("(?s).*Seq Scan on oauth_pending_code.*")) {
            return false;
        }
        try (Connection c = BenchDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'oauth_pending_code' "
                        + "AND indexdef ILIKE '% WHERE %'")) {
            while (rs.next()) {
                if (plan.contains(" " + rs.getString(1) + " ") || plan.contains(" " + rs.getString(1) + "\n")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static double largestHeapAfterGc(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return Double.NaN;
        }
        double max = Double.NaN;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_AFTER.matcher(line);
            if (m.find()) {
                double after = Double.parseDouble(m.group(2));
                max = Double.isNaN(max) ? after : Math.max(max, after);
            }
        }
        return max;
    }

    private static long exchangedBacklog(DatabaseTarget db) throws SQLException {
        try (Connection c = BenchDatabase.connect(db); Statement s = c.createStatement()) {
            return count(s, "SELECT count(*) FROM oauth_pending_code WHERE status = 'EXCHANGED' AND app_user_ref LIKE "
                    + "'bench-user-%'");
        }
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

}
