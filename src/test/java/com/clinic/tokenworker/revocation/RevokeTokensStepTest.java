package com.clinic.tokenworker.revocation;

import static com.clinic.tokenworker.support.TokenFixture.accessTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.authorize;
import static com.clinic.tokenworker.support.TokenFixture.instant;
import static com.clinic.tokenworker.support.TokenFixture.refreshTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.refresh.DueTokenRepository;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerAndFullscript;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Revocation requested by the application, end to end against the fake Fullscript. */
class RevokeTokensStepTest {

    private static final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
    private static FakeFullscriptServer fullscript;
    private static WorkerAndFullscript setup;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        setup = WorkerAndFullscript.start(clock);
        fullscript = setup.fullscript();
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
        fullscript.setLatency(Duration.ZERO);
        clock.advance(Duration.ofHours(3));
    }

    @Test
    void revokeWhenApplicationRequestsItThenRevokedAtFullscriptAndTheTokensWiped() {
        long id = authorize(worker, fullscript, "prac-leaving");
        String refresh = refreshTokenOf(worker, id);
        String access = accessTokenOf(worker, id);
        long revokesBefore = fullscript.revokeRequestCount();
        requestRevocation(id);

        JobExecution execution = worker.runOnce();

        assertThat(fullscript.revokeRequestCount() - revokesBefore).isEqualTo(1);
        assertThat(fullscript.isRefreshTokenActive(refresh)).isFalse();
        assertThat(fullscript.isAccessTokenActive(access)).isFalse();
        Map<String, Object> row = tokenRow(jdbc, id);
        assertThat(row).containsEntry("status", "REVOKED").containsEntry("access_token_ciphertext", null)
                .containsEntry("refresh_token_ciphertext", null).containsEntry("version", 1L)
                .containsEntry("lease_owner", null).containsEntry("last_error", null);
        assertThat(step(execution, "revokeTokens").getWriteCount()).isEqualTo(1);
        assertThat(step(execution, "revokeTokens").getExitStatus().getExitDescription()).contains("revoked=1");

        worker.runOnce();
        assertThat(fullscript.revokeRequestCount() - revokesBefore).as("REVOKED is final").isEqualTo(1);
    }

    @Test
    void revokeWhenFullscriptDoesNotAnswerInTimeThenTheRowStaysRequestedAndIsRetriedLater() {
        long id = authorize(worker, fullscript, "prac-slow-revoke");
        String refresh = refreshTokenOf(worker, id);
        requestRevocation(id);
        fullscript.setLatency(Duration.ofMillis(2500)); // the request timeout is PT2S
        long revokesBefore = fullscript.revokeRequestCount();

        JobExecution slow = worker.runOnce();
        // The simulator counts the abandoned request once its latency is over: wait for it here, or a later test
        // that counts revocations would see it.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> fullscript.revokeRequestCount() > revokesBefore);

        Map<String, Object> row = tokenRow(jdbc, id);
        assertThat(row).containsEntry("status", "REVOKE_REQUESTED").containsEntry("revoke_attempts", 1)
                .as("a revocation has its own counter").containsEntry("refresh_attempts", 0)
                .containsEntry("next_refresh_at", null).containsEntry("lease_owner", null);
        assertThat(instant(row.get("next_revoke_at"))).as("its own backoff: 10 s after the first failure")
                .isEqualTo(clock.instant().plusSeconds(10));
        assertThat(row.get("refresh_token_ciphertext")).as("nothing wiped before Fullscript confirmed").isNotNull();
        assertThat((String) row.get("last_error")).contains("revocation attempt 1 failed").contains("PT2S");
        assertThat(step(slow, "revokeTokens").getExitStatus().getExitDescription()).contains("retried=1");

        fullscript.setLatency(Duration.ZERO);
        clock.advance(Duration.ofSeconds(10));
        worker.runOnce();

        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REVOKED").containsEntry("revoke_attempts", 0)
                .containsEntry("next_revoke_at", null);
        assertThat(fullscript.isRefreshTokenActive(refresh)).isFalse();
    }

    @Test
    void revokeWhenTheRowIsBackingOffFromFailedRefreshesThenTheRevocationDoesNotWaitForThatBackoff() {
        long id = authorize(worker, fullscript, "prac-refresh-failing");
        String refresh = refreshTokenOf(worker, id);
        // Five failed refreshes: the next one is 8 minutes away (the refresh backoff goes up to 10).
        jdbc.sql("""
                        UPDATE oauth_token SET status = 'REFRESH_DUE', refresh_attempts = 5, next_refresh_at = :at,
                            last_error = 'refresh attempt 5 failed: HTTP 503'
                        WHERE id = :id
                        """)
                .param("at", SqlTime.of(clock.instant().plus(Duration.ofMinutes(8)))).param("id", id).update();
        requestRevocation(id);

        worker.runOnce();

        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REVOKED");
        assertThat(fullscript.isRefreshTokenActive(refresh)).isFalse();
    }

    @Test
    void revokeWhenARefreshOfTheRowIsInFlightThenItWaitsForThatLease() {
        long id = authorize(worker, fullscript, "prac-busy");
        jdbc.sql("UPDATE oauth_token SET status = 'REFRESH_DUE' WHERE id = :id").param("id", id).update();
        assertThat(worker.bean(DueTokenRepository.class).claim("refreshing-worker", clock.instant(),
                Duration.ofSeconds(10), 1)).hasSize(1);
        requestRevocation(id);
        long revokesBefore = fullscript.revokeRequestCount();

        worker.runOnce();
        assertThat(fullscript.revokeRequestCount()).isEqualTo(revokesBefore);
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REVOKE_REQUESTED");

        clock.advance(Duration.ofSeconds(10));
        worker.runOnce();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REVOKED");
    }

    @Test
    void revokedRowWithATokenIsRefusedByTheDatabase() {
        long id = authorize(worker, fullscript, "prac-constraint");

        assertThatThrownBy(() -> jdbc.sql("UPDATE oauth_token SET status = 'REVOKED' WHERE id = :id")
                .param("id", id).update())
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("oauth_token_revoked_wiped_ck");
    }

    private static void requestRevocation(long id) {
        jdbc.sql("UPDATE oauth_token SET status = 'REVOKE_REQUESTED', updated_at = :now WHERE id = :id")
                .param("now", SqlTime.of(clock.instant())).param("id", id).update();
    }
}
