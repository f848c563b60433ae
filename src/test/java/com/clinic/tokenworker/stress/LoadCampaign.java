package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.LatencyProfile;
import com.clinic.tokenworker.simulator.SimulatorCall;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Campaign 4: load. Several worker processes (three {@code daemon}s, which take turns through the Quartz cluster,
 * and the rest {@code run} loops, which run beside them) face a backlog of thousands of codes with a small request
 * budget (TOKENWORKER_REQUESTS_PER_5MIN), so the budget, not the backlog, sets the pace and a run of a few minutes
 * crosses the 5-minute window. At the fake Fullscript, the requests in every rolling 5 minutes (token and revoke
 * endpoints, every process together) must never exceed the budget.
 */
final class LoadCampaign {

    static final Duration WINDOW = Duration.ofMinutes(5);

    record Settings(int workers, int codes, int budget, Duration duration) {
        static Settings fromProperties(Settings fallback) {
            return new Settings(StressSettings.integer("stress.load.workers", fallback.workers()),
                    StressSettings.integer("stress.load.codes", fallback.codes()),
                    StressSettings.integer("stress.load.budget", fallback.budget()),
                    StressSettings.duration("stress.load.duration", fallback.duration()));
        }
    }

    record Result(List<String> problems, String figures) {
    }

    private LoadCampaign() {
    }

    static Result run(Settings settings) throws Exception {
        long began = System.nanoTime();
        List<String> problems = new ArrayList<>();
        DatabaseTarget database = TestDatabase.freshDatabase();
        CampaignEnvironment campaign = new CampaignEnvironment(SimulatorOptions.builder());
        campaign.fullscript.setLatency(LatencyProfile.uneven(Duration.ofMillis(20), 10, Duration.ofMillis(500)));
        Map<String, String> env = CampaignEnvironment.with(campaign.workerEnvironment(), "TOKENWORKER_METRICS_PORT", "0",
                "TOKENWORKER_REQUESTS_PER_5MIN", String.valueOf(settings.budget()),
                // INFO: a budget-bound backlog logs a summary a second per process; DEBUG adds nothing of interest.
                "TOKENWORKER_LOG_LEVEL", "INFO");
        CampaignEnvironment.migrate(database, env);
        WebTier web = new WebTier(database, campaign.fullscript);
        List<StressWorker> every = new ArrayList<>();
        int daemons = Math.min(3, Math.max(1, settings.workers() - 1));
        StressWorker[] slots = new StressWorker[settings.workers()];
        int[] generation = new int[slots.length];
        Instant[] nextRun = new Instant[slots.length];
        try (campaign.fullscript; Connection db = web.connect()) {
            // Inserted in slices: one statement of 20,000 rows would hold the table while the workers start.
            for (int done = 0; done < settings.codes(); done += 2000) {
                web.receive(Math.min(2000, settings.codes() - done), null);
            }
            Instant started = Instant.now();
            Instant until = started.plus(settings.duration());
            for (int i = 0; i < slots.length; i++) {
                slots[i] = start(i, daemons, ++generation[i], database, env);
                every.add(slots[i]);
            }
            while (Instant.now().isBefore(until)) {
                for (int i = 0; i < slots.length; i++) {
                    if (!slots[i].isAlive()) {
                        int exit = slots[i].exitCodeIfExited();
                        if (exit != 0) {
                            problems.add(slots[i].name() + " exited " + exit + ": " + slots[i].tail(5));
                        }
                        // A run loop restarts after a pause, as a CronJob would: the budget is spent anyway.
                        if (nextRun[i] == null) {
                            nextRun[i] = Instant.now().plusSeconds(15);
                        } else if (Instant.now().isAfter(nextRun[i])) {
                            nextRun[i] = null;
                            slots[i] = start(i, daemons, ++generation[i], database, env);
                            every.add(slots[i]);
                        }
                    }
                }
                Thread.sleep(500);
            }
            for (StressWorker worker : slots) {
                if (worker.isAlive()) {
                    int exit = worker.terminateWhenStarted(Duration.ofSeconds(60));
                    if (exit != 0) {
                        problems.add(worker.name() + " exited " + exit + " on SIGTERM");
                    }
                }
            }
            Duration ran = Duration.between(started, Instant.now());
            List<Instant> arrivals = campaign.fullscript.calls().stream().map(SimulatorCall::arrived).sorted().toList();
            int max = 0;
            Instant maxAt = null;
            for (int i = 0, j = 0; i < arrivals.size(); i++) {
                // Requests in the 5 minutes that end with request i: (arrival_i - 5 min, arrival_i].
                while (!arrivals.get(j).isAfter(arrivals.get(i).minus(WINDOW))) {
                    j++;
                }
                if (i - j + 1 > max) {
                    max = i - j + 1;
                    maxAt = arrivals.get(i);
                }
            }
            if (max > settings.budget()) {
                problems.add(max + " requests in the 5 minutes ending " + maxAt + ", over the budget of "
                        + settings.budget());
            }
            Ledger ledger = Ledger.of(campaign.fullscript.calls(), db, web.rowOfCode(), List.of());
            problems.addAll(ledger.problems());
            long exchanged = DatabaseChecks.count(db, "SELECT count(*) FROM oauth_pending_code WHERE status = 'EXCHANGED'");
            long waiting = DatabaseChecks.count(db, "SELECT count(*) FROM oauth_pending_code WHERE status = 'PENDING'");
            long other = settings.codes() - exchanged - waiting;
            if (other != 0) {
                problems.add(other + " codes neither EXCHANGED nor waiting (PENDING) at the end");
            }
            problems.addAll(DatabaseChecks.stuckPastLease(db, Duration.ofSeconds(2)));
            SecretScan.Result scan = SecretScan.scan(campaign.fullscript.secretsIssued(), campaign.clientSecret,
                    every.stream().map(StressWorker::log).toList(), db);
            scan.hits().forEach(p -> problems.add("secret found: " + p));
            long burst = Math.max(1, settings.budget() / 10);
            String figures = settings.workers() + " worker processes (" + daemons + " daemon, "
                    + (settings.workers() - daemons) + " run loops; " + every.size() + " processes started), "
                    + settings.codes() + " codes waiting, TOKENWORKER_REQUESTS_PER_5MIN=" + settings.budget()
                    + " (kept small so the budget sets the pace and the run crosses the window), ran "
                    + ran.toSeconds() + " s\n"
                    + "- requests at the fake: " + arrivals.size() + " from the first to the last in "
                    + (arrivals.isEmpty() ? 0 : Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1))
                    .toSeconds()) + " s; most in any rolling 5 minutes: " + max
                    + " (budget " + settings.budget() + "; the bucket's burst " + burst + " + its refill "
                    + (settings.budget() - burst) + " per 5 min 5 s)"
                    + (ran.compareTo(WINDOW) > 0 ? "" : "; the run was shorter than one window, so this is the total")
                    + "\n"
                    + "- codes exchanged: " + exchanged + ", still waiting: " + waiting + "; sent while an earlier "
                    + "request with them was undecided: " + ledger.overlappingSends.size() + "\n"
                    + "- secret scan: " + scan.describe() + "\n"
                    + "- campaign took " + Duration.ofNanos(System.nanoTime() - began).toSeconds()
                    + " s; problems: " + problems.size();
            StressFiles.report("Load: the request budget", figures);
            return new Result(problems, figures);
        } finally {
            every.forEach(StressWorker::close);
        }
    }

    private static StressWorker start(int slot, int daemons, int generation, DatabaseTarget database,
                                      Map<String, String> env) {
        boolean daemon = slot < daemons;
        return StressWorker.start("load-w" + slot + "-" + generation + (daemon ? "-daemon" : "-run"), database, env,
                daemon ? "daemon" : "run");
    }
}
