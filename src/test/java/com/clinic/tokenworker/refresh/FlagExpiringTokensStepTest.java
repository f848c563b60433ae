package com.clinic.tokenworker.refresh;

import static com.clinic.tokenworker.support.TokenFixture.authorize;
import static com.clinic.tokenworker.support.TokenFixture.authorizeAll;
import static com.clinic.tokenworker.support.TokenFixture.instant;
import static com.clinic.tokenworker.support.TokenFixture.refreshTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The flag an external pipeline relies on. The worker here has TOKENWORKER_REFRESH_ENABLED=false, as it would
 * when another system refreshes, so flagged tokens stay visible.
 */
class FlagExpiringTokensStepTest {

    private static final Duration LIFETIME = Duration.ofHours(2);
    private static final Duration MARGIN = Duration.ofMinutes(20);

    private static final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
    private static FakeFullscriptServer fullscript;
    private static DatabaseTarget database;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        database = TestDatabase.freshDatabase();
        worker = TestWorker.start(database, flaggingOnly(), clock);
        jdbc = worker.jdbc();
    }

    private static Map<String, String> flaggingOnly() {
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_REFRESH_ENABLED", "false");
        return env;
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE oauth_pending_code, oauth_token, tokenworker_rate_bucket").update();
        clock.advance(Duration.ofHours(3));
    }

    @Test
    void flagWhenExpiryIsJustInsideTheMarginThenRefreshDueAndJustOutsideThenStillActive() {
        long first = authorize(worker, fullscript, "prac-edge-1");
        clock.advance(Duration.ofSeconds(2));
        long second = authorize(worker, fullscript, "prac-edge-2");
        Instant firstExpiry = instant(tokenRow(jdbc, first).get("expires_at"));
        clock.set(firstExpiry.minus(MARGIN).plusSeconds(1));

        JobExecution execution = worker.runOnce();

        assertThat(tokenRow(jdbc, first)).containsEntry("status", "REFRESH_DUE");
        assertThat(instant(tokenRow(jdbc, first).get("refresh_due_at"))).isEqualTo(clock.instant());
        assertThat(tokenRow(jdbc, second)).as("expires 1 s after the margin's end").containsEntry("status", "ACTIVE")
                .containsEntry("refresh_due_at", null);
        assertThat(step(execution, "flagExpiringTokens").getWriteCount()).isEqualTo(1);
        assertThat(step(execution, "flagExpiringTokens").getExitStatus().getExitDescription())
                .contains("flagged=1").contains("PT20M");
    }

    @Test
    void flagWhenExpiryIsExactlyAtTheMarginThenItIsFlagged() {
        long id = authorize(worker, fullscript, "prac-exact");
        clock.set(instant(tokenRow(jdbc, id).get("expires_at")).minus(MARGIN).minusSeconds(1));
        worker.runOnce();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "ACTIVE");

        clock.advance(Duration.ofSeconds(1));
        worker.runOnce();

        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE");
    }

    @Test
    void flagWhenRunAgainThenNothingIsFlaggedTwice() {
        long id = authorize(worker, fullscript, "prac-twice");
        clock.advance(LIFETIME.minus(MARGIN));
        worker.runOnce();
        Object dueAt = tokenRow(jdbc, id).get("refresh_due_at");
        long version = (Long) tokenRow(jdbc, id).get("version");

        clock.advance(Duration.ofMinutes(1));
        JobExecution again = worker.runOnce();

        assertThat(step(again, "flagExpiringTokens").getWriteCount()).isZero();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE").containsEntry("refresh_due_at", dueAt)
                .containsEntry("version", version);
    }

    @Test
    void flagWhenRefreshIsDisabledThenTokensStayDueAndNoRefreshIsEverSent() {
        List<Long> ids = authorizeAll(worker, fullscript, List.of("prac-ext-1", "prac-ext-2", "prac-ext-3"));
        // Every refresh token, not the request count: verifyCredentials may send its hourly check meanwhile.
        List<String> refreshTokens = ids.stream().map(id -> refreshTokenOf(worker, id)).toList();
        clock.advance(LIFETIME.minus(MARGIN));

        JobExecution flagged = worker.runOnce();
        clock.advance(MARGIN.plusMinutes(30));
        JobExecution expired = worker.runOnce();

        assertThat(step(flagged, "flagExpiringTokens").getWriteCount()).isEqualTo(3);
        assertThat(ids).allSatisfy(id -> assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE")
                .containsEntry("lease_owner", null));
        assertThat(refreshTokens).allSatisfy(refresh -> assertThat(fullscript.timesRefreshTokenSent(refresh)).isZero());
        assertThat(expired.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(step(expired, "refreshTokens").getReadCount()).isZero();
        assertThat(step(expired, "refreshTokens").getExitStatus().getExitDescription())
                .contains("disabled").contains("TOKENWORKER_REFRESH_ENABLED=false");
    }

    @Test
    void flagWithRecentlyUsedPolicyThenOnlyTokensUsedWithinTheWindowAreFlagged() {
        Map<String, String> env = flaggingOnly();
        env.put("TOKENWORKER_REFRESH_POLICY", "recently-used");
        env.put("TOKENWORKER_REFRESH_ACTIVE_WITHIN", "P7D");
        try (TestWorker recentOnly = TestWorker.start(database, env, clock)) {
            List<Long> ids = authorizeAll(recentOnly, fullscript,
                    List.of("prac-idle", "prac-busy", "prac-never-used-old", "prac-never-used-new"));
            long idle = ids.get(0);
            long busy = ids.get(1);
            long neverUsedOld = ids.get(2);
            long neverUsedNew = ids.get(3);
            clock.advance(LIFETIME.minus(MARGIN));
            Instant now = clock.instant();
            setTime("last_used_at", idle, now.minus(Duration.ofDays(8)));
            setTime("last_used_at", busy, now.minus(Duration.ofDays(6)));
            setTime("authorized_at", neverUsedOld, now.minus(Duration.ofDays(30)));

            JobExecution execution = recentOnly.runOnce();

            assertThat(tokenRow(jdbc, idle)).containsEntry("status", "ACTIVE");
            assertThat(tokenRow(jdbc, busy)).containsEntry("status", "REFRESH_DUE");
            assertThat(tokenRow(jdbc, neverUsedOld)).containsEntry("status", "ACTIVE");
            assertThat(tokenRow(jdbc, neverUsedNew)).as("authorized just now counts as used")
                    .containsEntry("status", "REFRESH_DUE");
            assertThat(step(execution, "flagExpiringTokens").getWriteCount()).isEqualTo(2);
            assertThat(step(execution, "flagExpiringTokens").getExitStatus().getExitDescription())
                    .contains("recently-used within PT168H");

            clock.advance(MARGIN.plusMinutes(40));
            setTime("last_used_at", idle, clock.instant());
            recentOnly.runOnce();

            assertThat(tokenRow(jdbc, idle)).as("used again: refreshed on demand, though already expired")
                    .containsEntry("status", "REFRESH_DUE");
        }
    }

    private static void setTime(String column, long id, Instant value) {
        jdbc.sql("UPDATE oauth_token SET " + column + " = :value WHERE id = :id")
                .param("value", SqlTime.of(value)).param("id", id).update();
    }
}
