package com.clinic.tokenworker.refresh;

import static com.clinic.tokenworker.support.TokenFixture.accessTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.authorize;
import static com.clinic.tokenworker.support.TokenFixture.instant;
import static com.clinic.tokenworker.support.TokenFixture.refreshTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.exchange.FullscriptCredentialsRejectedException;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.Fault;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerAndFullscript;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every outcome of the refresh, end to end: real PostgreSQL, the real job, a stateful fake Fullscript. */
@ExtendWith(OutputCaptureExtension.class)
class RefreshTokensStepTest {

    /** Tokens live 2 h and the default margin is 20 min: this far after the exchange a token is due. */
    private static final Duration UNTIL_DUE = Duration.ofMinutes(101);

    private static final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
    private static FakeFullscriptServer fullscript;
    private static DatabaseTarget database;
    private static WorkerAndFullscript setup;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        setup = WorkerAndFullscript.start(clock);
        fullscript = setup.fullscript();
        database = setup.database();
        worker = setup.worker();
        jdbc = worker.jdbc();
    }

    @AfterAll
    static void stop() {
        setup.close();
    }

    @BeforeEach
    void cleanSlate() {
        setup.resetWorkTables();
        fullscript.clearFaults();
        clock.advance(Duration.ofHours(3));
    }

    @Test
    void refreshWhenTokenIsDueThenTheRotatedPairIsStoredAndTheOldRefreshTokenIsDead() {
        long id = authorize(worker, fullscript, "prac-rotate");
        String oldRefresh = refreshTokenOf(worker, id);
        String oldAccess = accessTokenOf(worker, id);
        clock.advance(UNTIL_DUE);

        JobExecution execution = worker.runOnce();

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, Object> row = tokenRow(jdbc, id);
        assertThat(row).containsEntry("status", "ACTIVE").containsEntry("version", 1L)
                .containsEntry("refresh_due_at", null).containsEntry("refresh_attempts", 0)
                .containsEntry("last_error", null).containsEntry("lease_owner", null);
        assertThat(instant(row.get("issued_at"))).isEqualTo(clock.instant());
        assertThat(instant(row.get("expires_at"))).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        String newRefresh = refreshTokenOf(worker, id);
        String newAccess = accessTokenOf(worker, id);
        assertThat(newRefresh).isNotEqualTo(oldRefresh);
        assertThat(fullscript.isRefreshTokenActive(oldRefresh)).isFalse();
        assertThat(fullscript.isAccessTokenActive(oldAccess)).isFalse();
        assertThat(fullscript.isRefreshTokenActive(newRefresh)).isTrue();
        assertThat(fullscript.isAccessTokenActive(newAccess)).isTrue();
        assertThat(fullscript.timesRefreshTokenSent(oldRefresh)).isEqualTo(1);
        assertThat(step(execution, "flagExpiringTokens").getWriteCount()).isEqualTo(1);
        StepExecution refresh = step(execution, "refreshTokens");
        assertThat(refresh.getReadCount()).isEqualTo(1);
        assertThat(refresh.getWriteCount()).isEqualTo(1);
        assertThat(refresh.getExitStatus().getExitDescription()).contains("refreshed=1").contains("reauth_required=0");
        assertThat(refresh.getExecutionContext().getLong("refresh.refreshed")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(5));
        worker.runOnce();
        assertThat(fullscript.timesRefreshTokenSent(newRefresh)).as("not due again for 1 h 40 min").isZero();
    }

    @Test
    void refreshWhenUserRevokedAccessThenReauthRequiredAndNeverSentAgain(CapturedOutput output) {
        long id = authorize(worker, fullscript, "prac-gone");
        String refresh = refreshTokenOf(worker, id);
        fullscript.revokeGrantOf("prac-gone");
        clock.advance(UNTIL_DUE);

        JobExecution execution = worker.runOnce();
        for (int run = 0; run < 3; run++) {
            clock.advance(Duration.ofMinutes(15));
            worker.runOnce();
        }

        Map<String, Object> row = tokenRow(jdbc, id);
        assertThat(row).containsEntry("status", "REAUTH_REQUIRED").containsEntry("lease_owner", null);
        assertThat((String) row.get("last_error")).contains("invalid_grant").contains("revoked access")
                .contains("must authorize again").contains("X-Request-Id");
        assertThat(row.get("last_request_id")).isNotNull();
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isEqualTo(1);
        assertThat(step(execution, "refreshTokens").getExitStatus().getExitDescription())
                .contains("reauth_required=1");
        assertThat(output.getAll()).contains("WARN").contains("needs a new authorization");
    }

    @Test
    void refreshWhenResponseIsLostThenTheRetryEndsReauthRequiredAfterExactlyOneStaleUse(CapturedOutput output) {
        long id = authorize(worker, fullscript, "prac-lost");
        String refresh = refreshTokenOf(worker, id);
        fullscript.faultForRefreshToken(refresh, new Fault.LostResponse(), 1);
        long staleBefore = fullscript.staleRefreshTokenUses();
        clock.advance(UNTIL_DUE);

        JobExecution lost = worker.runOnce();

        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE").containsEntry("refresh_attempts", 1)
                .containsEntry("lease_owner", null);
        assertThat((String) tokenRow(jdbc, id).get("last_error")).contains("connection failed");
        assertThat(instant(tokenRow(jdbc, id).get("next_refresh_at")))
                .isEqualTo(clock.instant().plus(RefreshRetryPolicy.FIRST_BACKOFF));
        assertThat(step(lost, "refreshTokens").getExitStatus().getExitDescription()).contains("retried=1");

        worker.runOnce();
        assertThat(fullscript.timesRefreshTokenSent(refresh)).as("not before its backoff").isEqualTo(1);

        for (int run = 0; run < 5; run++) {
            clock.advance(RefreshRetryPolicy.FIRST_BACKOFF);
            worker.runOnce();
        }

        Map<String, Object> row = tokenRow(jdbc, id);
        assertThat(row).containsEntry("status", "REAUTH_REQUIRED");
        assertThat((String) row.get("last_error")).contains("invalid_grant")
                .contains("previous attempt got no usable answer").contains("rotated the refresh token")
                .contains("must authorize again");
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isEqualTo(2);
        assertThat(fullscript.staleRefreshTokenUses() - staleBefore).isEqualTo(1);
        assertThat(output.getAll()).contains("answer was lost").contains("Not retried");
    }

    @Test
    void refreshWhenServerErrorsThenItBacksOffAndSucceedsOnALaterRun() {
        long id = authorize(worker, fullscript, "prac-503");
        String refresh = refreshTokenOf(worker, id);
        fullscript.faultForRefreshToken(refresh, new Fault.ServerError(503), 2);
        clock.advance(UNTIL_DUE);

        worker.runOnce();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE").containsEntry("refresh_attempts", 1);
        assertThat((String) tokenRow(jdbc, id).get("last_error")).startsWith("refresh attempt 1 failed: HTTP 503")
                .contains("X-Request-Id");
        assertThat(tokenRow(jdbc, id).get("last_request_id")).isNotNull();

        clock.advance(RefreshRetryPolicy.backoff(1));
        worker.runOnce();
        assertThat(tokenRow(jdbc, id)).containsEntry("refresh_attempts", 2);
        assertThat(instant(tokenRow(jdbc, id).get("next_refresh_at")))
                .isEqualTo(clock.instant().plus(RefreshRetryPolicy.backoff(2)));

        clock.advance(RefreshRetryPolicy.backoff(2));
        worker.runOnce();

        assertThat(tokenRow(jdbc, id)).containsEntry("status", "ACTIVE").containsEntry("refresh_attempts", 0)
                .containsEntry("last_error", null).containsEntry("next_refresh_at", null);
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isEqualTo(3);
    }

    @Test
    void refreshWhenRateLimitedThenEveryWorkerPausesAndTheTokenWaitsForRetryAfter() {
        long first = authorize(worker, fullscript, "prac-429");
        long second = authorize(worker, fullscript, "prac-429-b");
        String firstRefresh = refreshTokenOf(worker, first);
        String secondRefresh = refreshTokenOf(worker, second);
        jdbc.sql("UPDATE oauth_token SET expires_at = expires_at - interval '1 minute' WHERE id = :id")
                .param("id", first).update();
        fullscript.faultForRefreshToken(firstRefresh, new Fault.RateLimited(Duration.ofSeconds(40)), 1);
        clock.advance(UNTIL_DUE);

        worker.runOnce();

        assertThat(tokenRow(jdbc, first)).containsEntry("status", "REFRESH_DUE");
        assertThat(instant(tokenRow(jdbc, first).get("next_refresh_at"))).isEqualTo(clock.instant().plusSeconds(40));
        assertThat(worker.bean(ThrottleGate.class).pausedUntil(clock.instant()))
                .contains(clock.instant().plusSeconds(40));

        clock.advance(Duration.ofSeconds(41));
        worker.runOnce();

        assertThat(tokenRow(jdbc, first)).containsEntry("status", "ACTIVE");
        assertThat(tokenRow(jdbc, second)).containsEntry("status", "ACTIVE");
        assertThat(fullscript.timesRefreshTokenSent(secondRefresh)).isEqualTo(1);
    }

    @Test
    void refreshWhenResponseHasNoRefreshTokenThenTheOldOneIsKept() {
        SettableClock ownClock = SettableClock.startingAt("2026-03-02T10:00:00Z");
        try (FakeFullscriptServer keeping = FakeFullscriptServer.start(
                SimulatorOptions.builder().omitRefreshTokenOnRefresh(true).build(), ownClock);
             TestWorker keeper = TestWorker.start(TestDatabase.freshDatabase(),
                     FullscriptFixture.environmentFor(keeping), ownClock)) {
            long id = authorize(keeper, keeping, "prac-keep");
            String refresh = refreshTokenOf(keeper, id);
            String access = accessTokenOf(keeper, id);
            ownClock.advance(UNTIL_DUE);

            keeper.runOnce();

            assertThat(tokenRow(keeper.jdbc(), id)).containsEntry("status", "ACTIVE").containsEntry("version", 1L);
            assertThat(refreshTokenOf(keeper, id)).isEqualTo(refresh);
            assertThat(accessTokenOf(keeper, id)).isNotEqualTo(access);
            assertThat(keeping.isAccessTokenActive(accessTokenOf(keeper, id))).isTrue();
            assertThat(keeping.isRefreshTokenActive(refresh)).isTrue();

            ownClock.advance(UNTIL_DUE);
            keeper.runOnce();
            assertThat(keeping.timesRefreshTokenSent(refresh)).as("the kept token works for the next refresh")
                    .isEqualTo(2);
            assertThat(tokenRow(keeper.jdbc(), id)).containsEntry("status", "ACTIVE").containsEntry("version", 2L);
        }
    }

    @Test
    void refreshWhenStoredKeyIsUnknownThenHeldBackWithoutACallAndTheOthersGoOn(CapturedOutput output) {
        long unreadable = authorize(worker, fullscript, "prac-old-key");
        long readable = authorize(worker, fullscript, "prac-new-key");
        String refresh = refreshTokenOf(worker, unreadable);
        jdbc.sql("UPDATE oauth_token SET encryption_key_id = '00112233aabbccdd' WHERE id = :id")
                .param("id", unreadable).update();
        clock.advance(UNTIL_DUE);

        JobExecution execution = worker.runOnce();

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isZero();
        Map<String, Object> row = tokenRow(jdbc, unreadable);
        assertThat(row).containsEntry("status", "REFRESH_DUE").containsEntry("refresh_attempts", 0)
                .containsEntry("lease_owner", null);
        assertThat((String) row.get("last_error")).contains("00112233aabbccdd")
                .contains("TOKEN_ENCRYPTION_PREVIOUS_KEYS");
        assertThat(instant(row.get("next_refresh_at"))).isEqualTo(clock.instant().plus(RefreshRetryPolicy.HOLD_BACK));
        assertThat(tokenRow(jdbc, readable)).containsEntry("status", "ACTIVE");
        assertThat(step(execution, "refreshTokens").getExitStatus().getExitDescription())
                .contains("refreshed=1").contains("held_back=1");
        assertThat(output.getAll()).contains("cannot be refreshed by this worker");
    }

    /** Issue 9, hole 7: a held-back row is retried as soon as its key is available, not 10 minutes later. */
    @Test
    void refreshWhenAWorkerWithoutTheKeyHeldTheTokenBackThenAWorkerHoldingTheKeyRefreshesItAtOnce() {
        long id = authorize(worker, fullscript, "prac-key-elsewhere");
        String refresh = refreshTokenOf(worker, id);
        clock.advance(UNTIL_DUE);
        Map<String, String> otherKey = FullscriptFixture.environmentFor(fullscript);
        otherKey.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());

        try (TestWorker withoutTheKey = TestWorker.start(database, otherKey, clock)) {
            JobExecution heldBack = withoutTheKey.runOnce();
            assertThat(step(heldBack, "refreshTokens").getExitStatus().getExitDescription()).contains("held_back=1");
        }
        Map<String, Object> row = tokenRow(jdbc, id);
        assertThat(row).containsEntry("status", "REFRESH_DUE")
                .containsEntry("held_back_key_id", row.get("encryption_key_id"));
        assertThat(instant(row.get("next_refresh_at"))).isEqualTo(clock.instant().plus(RefreshRetryPolicy.HOLD_BACK));
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isZero();

        JobExecution withTheKey = worker.runOnce(); // the same instant: none of the hold-back has passed

        assertThat(step(withTheKey, "refreshTokens").getExitStatus().getExitDescription()).contains("refreshed=1");
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isEqualTo(1);
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "ACTIVE").containsEntry("held_back_key_id", null)
                .containsEntry("next_refresh_at", null);
    }

    @Test
    void refreshWhenAWorkerDiedHoldingTheLeaseThenAnotherRefreshesItOnceTheLeaseLapses() {
        long id = authorize(worker, fullscript, "prac-orphan");
        String refresh = refreshTokenOf(worker, id);
        clock.advance(UNTIL_DUE);
        jdbc.sql("UPDATE oauth_token SET status = 'REFRESH_DUE', refresh_due_at = :now WHERE id = :id")
                .param("now", com.clinic.tokenworker.db.SqlTime.of(clock.instant())).param("id", id).update();
        assertThat(worker.bean(DueTokenRepository.class).claim("dead-worker", clock.instant(),
                Duration.ofSeconds(10), 10)).hasSize(1);

        JobExecution whileLeased = worker.runOnce();
        assertThat(step(whileLeased, "refreshTokens").getReadCount()).isZero();
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isZero();

        clock.advance(Duration.ofSeconds(10));
        worker.runOnce();

        assertThat(tokenRow(jdbc, id)).containsEntry("status", "ACTIVE").containsEntry("lease_owner", null);
        assertThat(fullscript.timesRefreshTokenSent(refresh)).isEqualTo(1);
    }

    @Test
    void refreshWhenClientCredentialsAreRejectedThenTheJobFailsAndTheTokenStaysDue() {
        long id = authorize(worker, fullscript, "prac-creds");
        clock.advance(UNTIL_DUE);
        Map<String, String> wrongSecret = FullscriptFixture.environmentFor(fullscript);
        wrongSecret.put("FULLSCRIPT_US_CLIENT_SECRET", "not-the-secret");

        JobExecution execution;
        try (TestWorker misconfigured = TestWorker.start(database, wrongSecret, clock)) {
            execution = misconfigured.runOnce();
        }

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(execution.getAllFailureExceptions())
                .anySatisfy(e -> assertThat(e).isInstanceOf(FullscriptCredentialsRejectedException.class)
                        .hasMessageContaining("FULLSCRIPT_US_CLIENT_SECRET").hasMessageContaining("REFRESH_DUE"));
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE").containsEntry("refresh_attempts", 0)
                .containsEntry("lease_owner", null);
    }

    @Test
    void refreshNeverWritesATokenOrSecretToLogsErrorsOrJobTables(CapturedOutput output) {
        long lost = authorize(worker, fullscript, "prac-log-lost");
        long good = authorize(worker, fullscript, "prac-log-good");
        String lostRefresh = refreshTokenOf(worker, lost);
        String goodRefresh = refreshTokenOf(worker, good);
        String goodAccess = accessTokenOf(worker, good);
        fullscript.faultForRefreshToken(lostRefresh, new Fault.LostResponse(), 1);
        clock.advance(UNTIL_DUE);

        worker.runOnce();
        clock.advance(RefreshRetryPolicy.FIRST_BACKOFF);
        worker.runOnce();

        String everything = output.getAll()
                + jdbc.sql("SELECT string_agg(coalesce(last_error, ''), ' ') FROM oauth_token")
                .query(String.class).single()
                + jdbc.sql("SELECT string_agg(coalesce(exit_message, ''), ' ') FROM batch_step_execution")
                .query(String.class).single()
                + jdbc.sql("SELECT string_agg(short_context || coalesce(serialized_context, ''), ' ') "
                        + "FROM batch_step_execution_context").query(String.class).single();
        assertThat(tokenRow(jdbc, lost)).containsEntry("status", "REAUTH_REQUIRED");
        assertThat(everything).doesNotContain(lostRefresh).doesNotContain(goodRefresh).doesNotContain(goodAccess)
                .doesNotContain(refreshTokenOf(worker, good)).doesNotContain(accessTokenOf(worker, good))
                .doesNotContain(fullscript.options().clientSecret());
    }
}
