package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.ExitCode;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Campaign 2: the database goes away mid-run. A {@code daemon} and a {@code run} loop drain codes from their own
 * embedded PostgreSQL (data directory and port fixed, so it can be stopped and started again in place) while
 * (A) every worker connection is killed with {@code pg_terminate_backend}, three times in a row, and (B) the server
 * is stopped and started again on the same port, once for a few seconds and once for longer than a lease. A
 * worker must either carry on or exit with the database exit code; every token Fullscript granted meanwhile is
 * stored, or its row says it was lost (and the log names it); no row stays claimed past its lease.
 */
final class OutageCampaign {

    record Settings(int codesPerPhase, Duration shortOutage, Duration longOutage) {
        static Settings fromProperties(Settings fallback) {
            return new Settings(StressSettings.integer("stress.outage.codesPerPhase", fallback.codesPerPhase()),
                    StressSettings.duration("stress.outage.shortOutage", fallback.shortOutage()),
                    StressSettings.duration("stress.outage.longOutage", fallback.longOutage()));
        }
    }

    record Result(List<String> problems, String figures) {
    }

    /** The embedded server, stoppable and startable again on the same data directory and port. */
    private static final class Server implements AutoCloseable {
        private final Path directory;
        private final int port;
        private EmbeddedPostgres postgres;

        Server(Path directory, int port) {
            this.directory = directory;
            this.port = port;
        }

        void start() throws IOException {
            postgres = EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false).setPort(port).setServerConfig("max_connections", "100").start();
        }

        void stop() throws IOException {
            postgres.close();
            postgres = null;
        }

        DatabaseTarget target() {
            return new DatabaseTarget("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
        }

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                stop();
            }
        }
    }

    private OutageCampaign() {
    }

    static Result run(Settings settings) throws Exception {
        long began = System.nanoTime();
        List<String> problems = new ArrayList<>();
        List<Disruption> outages = new ArrayList<>();
        List<String> exits = new ArrayList<>();
        Path directory = Files.createDirectories(StressFiles.root()).resolve("pg-outage-" + System.nanoTime());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CampaignEnvironment campaign = new CampaignEnvironment(SimulatorOptions.builder()
                .latency(Duration.ofMillis(400)));
        List<StressWorker> every = new ArrayList<>();
        try (campaign.fullscript; Server server = new Server(directory, port)) {
            server.start();
            DatabaseTarget database = server.target();
            Map<String, String> env = CampaignEnvironment.with(campaign.workerEnvironment(),
                    "TOKENWORKER_METRICS_PORT", "0");
            CampaignEnvironment.migrate(database, env);
            WebTier web = new WebTier(database, campaign.fullscript);
            StressWorker[] workers = {StressWorker.start("outage-daemon-1", database, env, "daemon"),
                    StressWorker.start("outage-run-1", database, env, "run")};
            every.addAll(List.of(workers));
            int[] generation = {1, 1};

            // A: every worker connection killed, three times, while calls are in flight.
            awaitUp(workers);
            long before = campaign.fullscript.tokenRequestCount();
            web.receive(settings.codesPerPhase(), null);
            awaitCalls(campaign, before);
            Instant from = Instant.now();
            int terminated = 0;
            for (int i = 0; i < 3; i++) {
                terminated += terminateWorkerConnections(database);
                Thread.sleep(700); // the spacing of the blows is the fault itself
            }
            outages.add(new Disruption("pg_terminate_backend x3", from, Instant.now()));
            settle(campaign, web, database, env, workers, generation, every, exits, problems, "A");

            // B: the server stopped and started again in place, briefly and then for longer than a lease.
            // A zero outage is left out: the plain build's short version skips the long one (the loss path is
            // GrantKeptThroughDatabaseOutageTest's there).
            List<Duration> downs = java.util.stream.Stream.of(settings.shortOutage(), settings.longOutage())
                    .filter(d -> !d.isZero()).toList();
            List<Long> stuckAfter = new ArrayList<>();
            for (Duration down : downs) {
                // A fresh `run` as well as the daemon, so the outage hits a run mid-job: at 400 ms a call the
                // daemon alone needs longer than the run's JVM start to drain twice the batch.
                if (workers[1].isAlive()) {
                    workers[1].awaitExit(Duration.ofSeconds(60));
                }
                restartExited(database, env, workers, generation, every, exits, problems);
                web.receive(settings.codesPerPhase() * 2, null);
                awaitRunMidJob(web, workers[1], settings.codesPerPhase() * 2);
                Instant stopped = Instant.now();
                server.stop();
                Thread.sleep(down.toMillis()); // the outage itself
                server.start();
                Instant back = Instant.now();
                outages.add(new Disruption("server stopped for " + down, stopped, back));
                restartExited(database, env, workers, generation, every, exits, problems);
                // One lease after the server is back (plus a pass), nothing may still be claimed by a lapsed lease.
                Thread.sleep(Duration.parse(env.get("TOKENWORKER_LEASE")).plusSeconds(5).toMillis());
                try (Connection db = web.connect()) {
                    List<String> stuck = DatabaseChecks.stuckPastLease(db, Duration.ofSeconds(5));
                    stuckAfter.add((long) stuck.size());
                    stuck.forEach(p -> problems.add("after the " + down + " outage: " + p));
                }
                settle(campaign, web, database, env, workers, generation, every, exits, problems, "B " + down);
            }
            awaitUp(workers);
            for (StressWorker worker : workers) {
                if (worker.isAlive()) {
                    int exit = worker.terminateWhenStarted(Duration.ofSeconds(60));
                    if (exit != 0) {
                        problems.add(worker.name() + " exited " + exit + " on SIGTERM");
                    }
                }
            }
            try (Connection db = web.connect()) {
                Ledger ledger = Ledger.of(campaign.fullscript.calls(), db, web.rowOfCode(), outages);
                problems.addAll(ledger.problems());
                DatabaseChecks.TokenFigures tokens = DatabaseChecks.tokens(db, campaign.key, campaign.fullscript);
                tokens.undecryptable().forEach(p -> problems.add("does not decrypt: " + p));
                long notFinal = DatabaseChecks.codesNotFinal(db);
                if (notFinal > 0) {
                    problems.add(notFinal + " codes not final at the end");
                }
                long lostInLog = every.stream().mapToLong(w -> count(w.log(), "LOST a token Fullscript granted")).sum();
                long storedLate = DatabaseChecks.count(db, "SELECT count(*) FROM oauth_pending_code "
                        + "WHERE last_error LIKE '%could not be stored%'");
                SecretScan.Result scan = SecretScan.scan(campaign.fullscript.secretsIssued(), campaign.clientSecret,
                        every.stream().map(StressWorker::log).toList(), db);
                scan.hits().forEach(p -> problems.add("secret found: " + p));
                String figures = "A: pg_terminate_backend x3 (" + terminated + " connections); B: server stopped "
                        + "and started again on the same port and data directory, down " + downs + "\n"
                        + "- codes: " + web.rowOfCode().size() + " inserted, " + ledger.codesGranted + " granted, "
                        + ledger.codesLost + " grants not stored, every one on a FAILED row saying so ("
                        + storedLate + " rows 'could not be stored', " + lostInLog + " 'LOST a token' log lines); "
                        + "final rows " + byStatus(db) + "\n"
                        + "- worker exits while the database was away: " + exits + " (allowed: 0, "
                        + ExitCode.DATABASE_UNREACHABLE.code() + ")\n"
                        + "- rows claimed past their lease one lease after the server came back: " + stuckAfter + "\n"
                        + "- " + ledger.windowFigures() + "\n"
                        + "- secret scan: " + scan.describe() + "\n"
                        + "- campaign took " + Duration.ofNanos(System.nanoTime() - began).toSeconds()
                        + " s; problems: " + problems.size();
                StressFiles.report("The database goes away", figures);
                return new Result(problems, figures);
            }
        } finally {
            every.forEach(StressWorker::close);
        }
    }

    private static void awaitUp(StressWorker[] workers) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until)
                && java.util.Arrays.stream(workers).anyMatch(w -> w.started().plusSeconds(10).isAfter(Instant.now()))) {
            Thread.sleep(200);
        }
    }

    /** Until the run is past its start (or gone) and a good part of the batch is still to do. */
    private static void awaitRunMidJob(WebTier web, StressWorker run, int batch) throws Exception {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until)) {
            try (Connection db = web.connect()) {
                long left = DatabaseChecks.codesNotFinal(db);
                boolean runUp = !run.isAlive() || run.started().plusSeconds(9).isBefore(Instant.now());
                if (left < 10 || runUp && left < batch * 0.8) {
                    return;
                }
            }
            Thread.sleep(100);
        }
    }

    private static void awaitCalls(CampaignEnvironment campaign, long before) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until) && campaign.fullscript.tokenRequestCount() < before + 4) {
            Thread.sleep(50);
        }
    }

    private static int terminateWorkerConnections(DatabaseTarget database) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(database.url(), database.username(), null);
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Restarts the workers that exited; an exit other than 0 or the database code is a problem. */
    private static void restartExited(DatabaseTarget database, Map<String, String> env, StressWorker[] workers,
                                      int[] generation, List<StressWorker> every, List<String> exits,
                                      List<String> problems) {
        for (int i = 0; i < workers.length; i++) {
            if (!workers[i].isAlive()) {
                int exit = workers[i].exitCodeIfExited();
                exits.add(workers[i].name() + "=" + exit);
                if (exit != 0 && exit != ExitCode.DATABASE_UNREACHABLE.code()) {
                    problems.add(workers[i].name() + " exited " + exit + ": " + workers[i].tail(8));
                }
                String kind = i == 0 ? "daemon" : "run";
                workers[i] = StressWorker.start("outage-" + kind + "-" + ++generation[i], database, env, kind);
                every.add(workers[i]);
            }
        }
    }

    /** Until every code is final (workers restarted as they exit), at most two minutes. */
    private static void settle(CampaignEnvironment campaign, WebTier web, DatabaseTarget database,
                               Map<String, String> env, StressWorker[] workers, int[] generation,
                               List<StressWorker> every, List<String> exits, List<String> problems, String phase)
            throws Exception {
        Instant until = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(until)) {
            restartExited(database, env, workers, generation, every, exits, problems);
            try (Connection db = web.connect()) {
                if (DatabaseChecks.codesNotFinal(db) == 0) {
                    return;
                }
            } catch (SQLException e) {
                // The server may still be starting.
            }
            Thread.sleep(500);
        }
        problems.add("phase " + phase + ": codes still not final two minutes later");
    }

    private static long count(Path log, String text) {
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String byStatus(Connection db) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (var s = db.createStatement(); var rs = s.executeQuery(
                "SELECT status, count(*) FROM oauth_pending_code GROUP BY status ORDER BY status")) {
            while (rs.next()) {
                out.append(out.length() == 0 ? "" : ", ").append(rs.getString(1)).append(' ').append(rs.getLong(2));
            }
        }
        return out.toString();
    }
}
