package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every scenario shares: the settings, the database server, the worker launcher, the latency reference. */
final class BenchContext {

    final BenchSettings settings;
    final BenchDatabase database;
    final Workers workers;
    private final Map<String, List<Double>> receiptToTokenByMode = new HashMap<>();

    BenchContext(BenchSettings settings, BenchDatabase database) {
        this.settings = settings;
        this.database = database;
        this.workers = new Workers(settings);
    }

    /** A fake Fullscript on a free loopback port, answering at the system clock. */
    static FakeFullscriptServer fullscript() {
        // Codes must outlive the deadline-pressure scenario's 8 minutes of simulated age, as real ones do (10 min).
        return FakeFullscriptServer.start(SimulatorOptions.builder().codeLifetime(Duration.ofMinutes(30)).build(),
                Clock.systemUTC());
    }

    /**
     * Migrates the template every scenario's database is copied from, by running the packaged worker once against
     * an empty database (what an operator's first `run` does).
     */
    void prepareTemplate() throws Exception {
        DatabaseTarget template = database.createEmpty(BenchDatabase.TEMPLATE);
        try (FakeFullscriptServer fullscript = fullscript();
             ChildProcess run = workers.start("template-migration", Workers.environment(template, fullscript), "run")) {
            int exit = run.awaitExit(Duration.ofMinutes(3));
            if (exit != 0) {
                throw new IllegalStateException("the migrating run exited " + exit + ":\n" + run.tail(40));
            }
        }
        forgetRequestBudget(template);
    }

    /**
     * The migrating run may have drawn from the request budget (a credential check), which stores the bucket with
     * that run's TOKENWORKER_REQUESTS_PER_5MIN; a scenario must start from a fresh installation's budget, sized by
     * its own setting.
     */
    private static void forgetRequestBudget(DatabaseTarget template) throws java.sql.SQLException {
        try (java.sql.Connection c = BenchDatabase.connect(template); java.sql.Statement s = c.createStatement()) {
            s.execute("DELETE FROM tokenworker_rate_bucket");
        }
    }

    DatabaseTarget freshDatabase(String name) {
        return database.createFromTemplate(name);
    }

    synchronized void receiptToToken(String mode, List<Double> seconds) {
        receiptToTokenByMode.put(mode, seconds);
    }

    synchronized Map<String, List<Double>> receiptToTokenByMode() {
        return Map.copyOf(receiptToTokenByMode);
    }
}
