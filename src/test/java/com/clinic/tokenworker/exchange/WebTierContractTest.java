package com.clinic.tokenworker.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.Documentation;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statements the README gives the web tier work against the real schema, and its rules about columns hold. */
class WebTierContractTest {

    private static final String README_INSERT = Documentation.labelledSql(List.of(Documentation.README))
            .get("web tier: insert a code");

    @Test
    void insertWhenTheWebTierRetriesTheSameCodeThenOneRowAndTheRetryIsANoOp() {
        SettableClock clock = SettableClock.startingAt("2026-08-01T00:00:00Z");
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = TestWorker.start(TestDatabase.freshDatabase(),
                     FullscriptFixture.environmentFor(fullscript), clock)) {
            JdbcClient jdbc = worker.jdbc();

            List<Long> first = jdbc.sql(README_INSERT).param("code", "abc").param("app_user_ref", "u1")
                    .query(Long.class).list();
            List<Long> retry = jdbc.sql(README_INSERT).param("code", "abc").param("app_user_ref", "u1")
                    .query(Long.class).list();

            assertThat(first).hasSize(1);
            assertThat(retry).isEmpty();
            assertThat(jdbc.sql("SELECT status, region FROM oauth_pending_code").query().singleRow())
                    .containsEntry("status", "PENDING").containsEntry("region", "us");
        }
    }

    @Test
    void insertWhenStatusOrCodeBreakTheRulesThenTheDatabaseRefusesIt() {
        SettableClock clock = SettableClock.startingAt("2026-08-01T00:00:00Z");
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = TestWorker.start(TestDatabase.freshDatabase(),
                     FullscriptFixture.environmentFor(fullscript), clock)) {
            JdbcClient jdbc = worker.jdbc();

            assertThatThrownBy(() -> jdbc.sql("INSERT INTO oauth_pending_code (code, redirect_uri, status) "
                    + "VALUES (NULL, 'https://x', 'DONE')").update()).hasMessageContaining("status_ck");
            assertThatThrownBy(() -> jdbc.sql("INSERT INTO oauth_pending_code (code, redirect_uri) "
                    + "VALUES (NULL, 'https://x')").update()).hasMessageContaining("code_ck");
            assertThatThrownBy(() -> jdbc.sql("INSERT INTO oauth_pending_code (code) VALUES ('y')").update())
                    .hasMessageContaining("redirect_uri");
        }
    }
}
