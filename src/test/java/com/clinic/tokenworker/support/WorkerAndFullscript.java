package com.clinic.tokenworker.support;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.time.Clock;

/**
 * The set-up most step tests share for a whole class: a fake Fullscript, a fresh migrated database and one worker
 * on both, all on the test's clock. Between tests, {@link #resetWorkTables} puts the work tables back to empty.
 */
public record WorkerAndFullscript(FakeFullscriptServer fullscript, DatabaseTarget database, TestWorker worker)
        implements AutoCloseable {

    public static WorkerAndFullscript start(Clock clock) {
        FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        DatabaseTarget database = TestDatabase.freshDatabase();
        return new WorkerAndFullscript(fullscript, database,
                TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock));
    }

    /** No codes, tokens or queued grants; a full request budget and no 429 pause. */
    public void resetWorkTables() {
        worker.jdbc().sql("TRUNCATE oauth_pending_code, oauth_token, oauth_grant_revocation, tokenworker_rate_bucket")
                .update();
        worker.jdbc().sql("UPDATE tokenworker_throttle SET paused_until = 'epoch'").update();
    }

    @Override
    public void close() {
        worker.close();
        fullscript.close();
    }
}
