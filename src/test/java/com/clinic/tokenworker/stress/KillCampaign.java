package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.LatencyProfile;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Campaign 1: SIGKILL at random moments. Several worker processes (all {@code daemon} but the last, which runs
 * {@code run} again and again) drain codes from one database against one fake Fullscript; every round the web tier
 * inserts a batch (some of them authorizations whose first token is due for refresh 5 s later), then after a random
 * delay one or more random workers are killed and started again. After every round and at the end: no code or
 * refresh token sent while an earlier request with it was still being served, no rotated refresh token sent
 * unless its rotation was lost to a kill, every grant stored or its row saying it was lost (and a kill to explain
 * it), no row past its lease, every execution of a killed process FAILED within a minute, every token decrypts,
 * nothing secret in any log line or table.
 */
final class KillCampaign {

    record Settings(long seed, int rounds, int workers, int codesPerRound, int refreshesPerRound, Duration maxKillDelay) {

        /** The plain {@code mvn verify}: one round, two workers, a few dozen codes. */
        static Settings fromProperties(Settings fallback) {
            return new Settings(StressSettings.seed(),
                    StressSettings.integer("stress.kill.rounds", fallback.rounds()),
                    StressSettings.integer("stress.kill.workers", fallback.workers()),
                    StressSettings.integer("stress.kill.codesPerRound", fallback.codesPerRound()),
                    StressSettings.integer("stress.kill.refreshesPerRound", fallback.refreshesPerRound()),
                    StressSettings.duration("stress.kill.maxKillDelay", fallback.maxKillDelay()));
        }
    }

    record Result(List<String> problems, String figures) {
    }

    private static String killedExecutions = "";

    private static final Duration FAILED_WITHIN = Duration.ofMinutes(1);

    private KillCampaign() {
    }

    static Result run(Settings settings) throws Exception {
        long began = System.nanoTime();
        List<String> problems = new ArrayList<>();
        List<Disruption> kills = new ArrayList<>();
        List<long[]> killedPids = new ArrayList<>();
        List<Instant> killTimes = new ArrayList<>();
        System.out.println("kill campaign: seed " + settings.seed() + " (reproduce with -Dstress.seed="
                + settings.seed() + "), " + settings);
        DatabaseTarget database = TestDatabase.freshDatabase();
        // One call in four is slow (1.5 s, under the 2 s timeout): there is nearly always a call in flight to kill.
        CampaignEnvironment campaign = new CampaignEnvironment(SimulatorOptions.builder());
        campaign.fullscript.setLatency(LatencyProfile.uneven(Duration.ofMillis(20), 4, Duration.ofMillis(1500)));
        Map<String, String> env = CampaignEnvironment.with(campaign.workerEnvironment(), "TOKENWORKER_METRICS_PORT", "0");
        WebTier web = new WebTier(database, campaign.fullscript);
        StressWorker[] slots = new StressWorker[settings.workers()];
        int[] starts = new int[settings.workers()];
        List<StressWorker> everyWorker = new ArrayList<>();
        CampaignEnvironment.migrate(database, env);
        try (campaign.fullscript; Connection db = web.connect()) {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = start(i, slots.length, ++starts[i], database, env);
                everyWorker.add(slots[i]);
            }
            long maxFailedMillis = 0;
            int killsOfWorking = 0;
            for (int round = 0; round < settings.rounds(); round++) {
                long roundSeed = settings.seed() + round;
                Random random = new Random(roundSeed);
                long servedBefore = campaign.fullscript.tokenRequestCount();
                web.receive(settings.codesPerRound() - settings.refreshesPerRound(), null);
                web.receive(settings.refreshesPerRound(), CampaignEnvironment.SHORT_FIRST_TOKEN);
                // Kills are meant to land mid-work: wait for this round's first call and for a worker that is up.
                Instant waitUntil = Instant.now().plus(Duration.ofSeconds(60));
                while (Instant.now().isBefore(waitUntil) && (campaign.fullscript.tokenRequestCount() == servedBefore
                        || up(slots).isEmpty())) {
                    restartFinishedRuns(slots, starts, database, env, everyWorker, problems);
                    Thread.sleep(100);
                }
                // The random moment of the kill is the point of the campaign, not a wait for a condition.
                Thread.sleep(random.nextInt((int) settings.maxKillDelay().toMillis()));
                List<Integer> order = up(slots);
                java.util.Collections.shuffle(order, random);
                int victims = Math.min(order.size(), 1 + random.nextInt(Math.max(1, slots.length - 1)));
                List<Integer> chosen = new ArrayList<>(order.subList(0, victims));
                // Now and then a worker still starting (JVM, Spring, the migration check) dies too.
                for (int i = 0; i < slots.length; i++) {
                    if (!order.contains(i) && slots[i].isAlive() && random.nextInt(4) == 0) {
                        chosen.add(i);
                    }
                }
                StringBuilder line = new StringBuilder("kill round " + round + " (seed " + roundSeed + "):");
                for (int slot : chosen) {
                    StressWorker victim = slots[slot];
                    if (victim.isAlive()) {
                        if (order.contains(slot)) {
                            killsOfWorking++;
                        }
                        Instant at = victim.kill();
                        kills.add(Disruption.kill(victim.name(), victim.pid(), at));
                        killedPids.add(new long[] {victim.pid()});
                        killTimes.add(at);
                        line.append(" killed ").append(victim.name()).append(" ")
                                .append(Duration.between(victim.started(), at).toMillis()).append(" ms after its start;");
                    }
                    slots[slot] = start(slot, slots.length, ++starts[slot], database, env);
                    everyWorker.add(slots[slot]);
                }
                restartFinishedRuns(slots, starts, database, env, everyWorker, problems);
                System.out.println(line);
                maxFailedMillis = Math.max(maxFailedMillis, checkExecutions(db, killedPids, killTimes, problems, false));
            }
            // Everything final: the killed workers' rows come back when their leases lapse, the short tokens are
            // refreshed (or their loss recorded).
            Instant until = Instant.now().plus(Duration.ofMinutes(3));
            while (Instant.now().isBefore(until) && (DatabaseChecks.codesNotFinal(db) > 0 || DatabaseChecks.count(db,
                    "SELECT count(*) FROM oauth_token WHERE status IN ('ACTIVE', 'REFRESH_DUE') "
                            + "AND expires_at < now() + interval '1 hour'") > 0)) {
                restartFinishedRuns(slots, starts, database, env, everyWorker, problems);
                Thread.sleep(500);
            }
            for (StressWorker worker : slots) {
                if (worker.isAlive()) {
                    int exit = worker.terminateWhenStarted(Duration.ofSeconds(60));
                    if (exit != 0) {
                        problems.add(worker.name() + " exited " + exit + " on SIGTERM; log " + worker.log());
                    }
                }
            }
            maxFailedMillis = Math.max(maxFailedMillis, checkExecutions(db, killedPids, killTimes, problems, true));
            long notFinal = DatabaseChecks.codesNotFinal(db);
            if (notFinal > 0) {
                problems.add(notFinal + " codes still not final 3 minutes after the last round");
            }
            long dueLeft = DatabaseChecks.count(db, "SELECT count(*) FROM oauth_token WHERE status IN "
                    + "('ACTIVE', 'REFRESH_DUE') AND expires_at < now() + interval '1 hour'");
            if (dueLeft > 0) {
                problems.add(dueLeft + " short-lived tokens neither refreshed nor marked lost at the end");
            }
            problems.addAll(DatabaseChecks.stuckPastLease(db, Duration.ofSeconds(2)));
            if (DatabaseChecks.executionsRunning(db) > 0) {
                problems.add(DatabaseChecks.executionsRunning(db) + " executions still running after every worker stopped");
            }
            Ledger ledger = Ledger.of(campaign.fullscript.calls(), db, web.rowOfCode(), kills);
            problems.addAll(ledger.problems());
            DatabaseChecks.TokenFigures tokens = DatabaseChecks.tokens(db, campaign.key, campaign.fullscript);
            tokens.undecryptable().forEach(p -> problems.add("does not decrypt: " + p));
            tokens.activeButDeadAtFullscript().forEach(p -> problems.add("ACTIVE but its refresh token is dead: " + p));
            SecretScan.Result scan = SecretScan.scan(campaign.fullscript.secretsIssued(), campaign.clientSecret,
                    everyWorker.stream().map(StressWorker::log).toList(), db);
            scan.hits().forEach(p -> problems.add("secret found: " + p));
            long statusCounts = 0;
            String byStatus = byStatus(db);
            String figures = "seed " + settings.seed() + "; " + settings.rounds() + " rounds, " + settings.workers()
                    + " worker processes (" + (settings.workers() - 1) + " daemon, 1 run loop), "
                    + everyWorker.size() + " processes started, " + kills.size() + " SIGKILLs (" + killsOfWorking
                    + " of a process at work, " + (kills.size() - killsOfWorking) + " of one still starting)\n"
                    + "- codes: " + web.rowOfCode().size() + " inserted, " + ledger.codesSent + " sent, "
                    + ledger.codesGranted + " granted, " + ledger.codesResent + " sent more than once, "
                    + ledger.codesLost + " grants lost to a kill (rows FAILED saying so); final rows " + byStatus + "\n"
                    + "- refreshes granted: " + ledger.refreshesGranted + "; rotated refresh tokens sent after a "
                    + "rotation lost to a kill: " + ledger.staleRefreshSends + "; token rows decrypted: "
                    + tokens.decrypted() + "\n"
                    + "- requests at the fake: " + ledger.requests + "; sent while an earlier request with the "
                    + "same code or token was served: " + ledger.overlappingSends.size() + "\n"
                    + "- executions of killed processes: " + killedExecutions + "; kill to FAILED (liveness lock): max "
                    + maxFailedMillis + " ms\n"
                    + "- " + ledger.windowFigures() + "\n"
                    + "- secret scan: " + scan.describe() + "\n"
                    + "- campaign took " + Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s; problems: "
                    + problems.size();
            StressFiles.report("Kill -9 at random moments", figures);
            return new Result(problems, figures);
        } finally {
            everyWorker.forEach(StressWorker::close);
        }
    }

    /** The workers past their start (see {@link StressWorker#isWorking}): the kills are aimed at them. */
    private static List<Integer> up(StressWorker[] slots) {
        List<Integer> up = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].isWorking()) {
                up.add(i);
            }
        }
        return up;
    }

    private static StressWorker start(int slot, int slots, int generation, DatabaseTarget database,
                                      Map<String, String> env) {
        boolean runLoop = slot == slots - 1 && slots > 1;
        return StressWorker.start("kill-w" + slot + "-" + generation + (runLoop ? "-run" : "-daemon"), database, env,
                runLoop ? "run" : "daemon");
    }

    /** The run slot starts `run` again when it finished; any exit but 0 there is a problem. */
    private static void restartFinishedRuns(StressWorker[] slots, int[] starts, DatabaseTarget database,
                                            Map<String, String> env, List<StressWorker> every, List<String> problems) {
        for (int i = 0; i < slots.length; i++) {
            if (!slots[i].isAlive() && slots[i].killedAt() == null) {
                int exit = slots[i].exitCodeIfExited();
                if (exit != 0) {
                    problems.add(slots[i].name() + " exited " + exit + " without being killed: " + slots[i].tail(5));
                }
                slots[i] = start(i, slots.length, ++starts[i], database, env);
                every.add(slots[i]);
            }
        }
    }

    /**
     * Every execution a killed process launched must be over within a minute of the kill.
     *
     * @return the longest kill-to-FAILED seen, in ms
     */
    private static long checkExecutions(Connection db, List<long[]> pids, List<Instant> times, List<String> problems,
                                        boolean last) throws java.sql.SQLException {
        long max = 0;
        java.util.Map<String, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < pids.size(); i++) {
            for (DatabaseChecks.KilledExecution execution : DatabaseChecks.executionsOf(db, pids.get(i)[0], times.get(i))) {
                statuses.merge(execution.status() + (execution.exitMessage() != null
                        && execution.exitMessage().contains("recovered as dead") ? " (recovered as dead)" : ""), 1,
                        Integer::sum);
                boolean running = List.of("STARTING", "STARTED", "STOPPING").contains(execution.status());
                Duration since = Duration.between(times.get(i), Instant.now());
                if (running && (last || since.compareTo(FAILED_WITHIN) > 0)) {
                    String problem = "execution " + execution.id() + " of killed pid " + pids.get(i)[0] + " still "
                            + execution.status() + " " + since.toSeconds() + " s after the kill";
                    if (!problems.contains(problem)) {
                        problems.add(problem);
                    }
                }
                if ("FAILED".equals(execution.status()) && execution.exitMessage() != null
                        && execution.exitMessage().contains("recovered as dead") && execution.timeToFailed() != null) {
                    max = Math.max(max, execution.timeToFailed().toMillis());
                }
            }
        }
        if (last) {
            killedExecutions = statuses.toString();
        }
        return max;
    }

    private static String byStatus(Connection db) throws java.sql.SQLException {
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
