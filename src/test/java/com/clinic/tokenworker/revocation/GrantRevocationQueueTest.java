package com.clinic.tokenworker.revocation;

import static com.clinic.tokenworker.support.TokenFixture.accessTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.authorize;
import static com.clinic.tokenworker.support.TokenFixture.refreshTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.refresh.DueTokenRepository;
import com.clinic.tokenworker.refresh.RefreshOutcome;
import com.clinic.tokenworker.refresh.RefreshRules;
import com.clinic.tokenworker.refresh.RefreshTally;
import com.clinic.tokenworker.refresh.TokenRefresher;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerAndFullscript;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.RevocationQueue;
import com.clinic.tokenworker.token.RevocationReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 9, hole 3: every grant the worker obtained and no longer keeps is revoked at Fullscript, queued, retried
 * and counted; a user's request to revoke survives a new authorization. End to end: real PostgreSQL, the real job,
 * the stateful fake Fullscript (which, like Fullscript, keeps an old grant alive when the user authorizes again).
 */
@ExtendWith(OutputCaptureExtension.class)
class GrantRevocationQueueTest {

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
        fullscript.setLatency(Duration.ZERO);
        clock.advance(Duration.ofHours(3));
    }

    @Test
    void reauthorizeWhenTheUserAuthorizesAgainThenTheReplacedGrantIsRevokedAtFullscript(CapturedOutput output) {
        long id = authorize(worker, fullscript, "prac-again");
        String oldRefresh = refreshTokenOf(worker, id);
        String oldAccess = accessTokenOf(worker, id);
        clock.advance(Duration.ofMinutes(5));

        JobExecution second = authorizeAgain("prac-again");

        assertThat(tokenIds()).as("the same row, replaced in place").containsExactly(id);
        assertThat(fullscript.isRefreshTokenActive(oldRefresh)).as("the replaced grant is revoked").isFalse();
        assertThat(fullscript.isAccessTokenActive(oldAccess)).isFalse();
        assertThat(fullscript.isRefreshTokenActive(refreshTokenOf(worker, id))).as("the new grant lives").isTrue();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "ACTIVE");
        assertThat(queued()).as("a revoked grant leaves the queue, tokens and all").isEmpty();
        assertThat(step(second, "revokeTokens").getWriteCount()).isEqualTo(1);
        assertThat(step(second, "revokeTokens").getExitStatus().getExitDescription())
                .contains("revoked=0 replaced_revoked=1");
        assertThat(output.getAll()).doesNotContain(oldRefresh).doesNotContain(oldAccess);
    }

    @Test
    void reauthorizeWhenTheApplicationHadAskedToRevokeThenTheOldGrantIsStillRevokedAndTheNewOneIsActive() {
        long id = authorize(worker, fullscript, "prac-revoke-then-again");
        String oldRefresh = refreshTokenOf(worker, id);
        jdbc.sql("UPDATE oauth_token SET status = 'REVOKE_REQUESTED', updated_at = :now WHERE id = :id")
                .param("now", SqlTime.of(clock.instant())).param("id", id).update();
        clock.advance(Duration.ofMinutes(1));

        // The code of the new authorization is exchanged before revokeTokens of the same run gets to the row.
        JobExecution second = authorizeAgain("prac-revoke-then-again");

        assertThat(fullscript.isRefreshTokenActive(oldRefresh))
                .as("the user's request to revoke the old grant is carried out, not lost").isFalse();
        assertThat(tokenRow(jdbc, id)).as("the new authorization is the user's latest word")
                .containsEntry("status", "ACTIVE");
        assertThat(fullscript.isRefreshTokenActive(refreshTokenOf(worker, id))).isTrue();
        assertThat(step(second, "revokeTokens").getExitStatus().getExitDescription())
                .contains("replaced_revoked=1");
    }

    @Test
    void refreshWhenTheNewPairLosesTheVersionRaceThenThePairIsRevokedNotDropped() {
        long id = authorize(worker, fullscript, "prac-race");
        jdbc.sql("UPDATE oauth_token SET status = 'REFRESH_DUE' WHERE id = :id").param("id", id).update();
        LeasedToken claimed = worker.bean(DueTokenRepository.class)
                .claim("worker-a", clock.instant(), Duration.ofSeconds(30), 1).get(0);
        RefreshOutcome outcome = worker.bean(TokenRefresher.class).refresh(claimed);
        assertThat(outcome).isInstanceOf(RefreshOutcome.Refreshed.class);
        String lostRefresh = ((RefreshOutcome.Refreshed) outcome).refreshTokenToStore();
        // Another writer stored first (a refresh after our lease lapsed, a new authorization).
        jdbc.sql("UPDATE oauth_token SET version = version + 1 WHERE id = :id").param("id", id).update();

        RefreshTally tally = worker.bean(TransactionTemplate.class).execute(tx ->
                worker.bean(RefreshRules.class).record(claimed, outcome, clock.instant()));

        assertThat(tally).isEqualTo(RefreshTally.SUPERSEDED);
        assertThat(queued()).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("reason", "REFRESH_SUPERSEDED").containsEntry("token_id", id));
        assertThat(fullscript.isRefreshTokenActive(lostRefresh)).isTrue();

        worker.runOnce();

        assertThat(fullscript.isRefreshTokenActive(lostRefresh)).as("nobody holds it: revoked").isFalse();
        assertThat(queued()).isEmpty();
    }

    @Test
    void refreshWhenThePairLostTheRaceToAWriteOfTheSameGrantThenNothingIsQueued() {
        long id = authorize(worker, fullscript, "prac-same-grant");
        String stored = refreshTokenOf(worker, id);
        jdbc.sql("UPDATE oauth_token SET status = 'REFRESH_DUE' WHERE id = :id").param("id", id).update();
        LeasedToken claimed = worker.bean(DueTokenRepository.class)
                .claim("worker-a", clock.instant(), Duration.ofSeconds(30), 1).get(0);
        // A server that does not rotate answers with the refresh token we sent, which the row still holds.
        TokenGrant answer = new TokenGrant("access-new", Optional.empty(), "Bearer", "", clock.instant(),
                Duration.ofHours(2), "prac-same-grant", "Practitioner");
        RefreshOutcome.Refreshed notRotated = new RefreshOutcome.Refreshed(answer, stored, Optional.empty());
        jdbc.sql("UPDATE oauth_token SET version = version + 1 WHERE id = :id").param("id", id).update();

        RefreshTally tally = worker.bean(TransactionTemplate.class).execute(tx ->
                worker.bean(RefreshRules.class).record(claimed, notRotated, clock.instant()));

        assertThat(tally).isEqualTo(RefreshTally.SUPERSEDED);
        assertThat(queued()).as("revoking it would revoke the grant the row keeps").isEmpty();
        assertThat(fullscript.isRefreshTokenActive(stored)).isTrue();
    }

    @Test
    void revokeQueuedGrantWhenFullscriptDoesNotAnswerInTimeThenItIsRetriedWithBackoffAndCounted() {
        long id = authorize(worker, fullscript, "prac-slow");
        String refresh = refreshTokenOf(worker, id);
        worker.bean(TransactionTemplate.class).executeWithoutResult(tx -> worker.bean(RevocationQueue.class)
                .enqueue("us", "Practitioner", "prac-slow", id, RevocationReason.REAUTHORIZED,
                        accessTokenOf(worker, id), refresh, clock.instant()));
        fullscript.setLatency(Duration.ofMillis(2500)); // the request timeout is PT2S
        long revokesBefore = fullscript.revokeRequestCount();

        JobExecution slow = worker.runOnce();
        // The simulator answers the abandoned request once its latency is over (and revokes then, unseen by the
        // worker): wait for it, so no later test counts it.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> fullscript.revokeRequestCount() > revokesBefore);

        Map<String, Object> row = queued().get(0);
        assertThat(row).containsEntry("attempts", 1).containsEntry("lease_owner", null);
        assertThat((String) row.get("last_error")).contains("revocation attempt 1 failed").contains("PT2S");
        assertThat(row.get("next_attempt_at")).isNotNull();
        assertThat(step(slow, "revokeTokens").getExitStatus().getExitDescription()).contains("retried=1");

        fullscript.setLatency(Duration.ZERO);
        worker.runOnce();
        assertThat(queued()).as("backing off: not sent again at once").hasSize(1);

        clock.advance(Duration.ofMinutes(1));
        JobExecution retried = worker.runOnce();

        assertThat(queued()).as("confirmed by Fullscript this time: the row goes").isEmpty();
        assertThat(fullscript.isRefreshTokenActive(refresh)).isFalse();
        assertThat(step(retried, "revokeTokens").getExitStatus().getExitDescription()).contains("replaced_revoked=1");
    }

    /** Issue 9, hole 7, for the queue: a grant held back for a missing key waits only for a worker holding it. */
    @Test
    void revokeQueuedGrantWhenAWorkerWithoutTheKeyHeldItBackThenAWorkerHoldingTheKeyRevokesItAtOnce() {
        long id = authorize(worker, fullscript, "prac-queued-key");
        String refresh = refreshTokenOf(worker, id);
        worker.bean(TransactionTemplate.class).executeWithoutResult(tx -> worker.bean(RevocationQueue.class)
                .enqueue("us", "Practitioner", "prac-queued-key", id, RevocationReason.REAUTHORIZED,
                        accessTokenOf(worker, id), refresh, clock.instant()));
        Map<String, String> otherKey = FullscriptFixture.environmentFor(fullscript);
        otherKey.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());

        try (TestWorker withoutTheKey = TestWorker.start(database, otherKey, clock)) {
            JobExecution heldBack = withoutTheKey.runOnce();
            assertThat(step(heldBack, "revokeTokens").getExitStatus().getExitDescription()).contains("held_back=1");
        }
        Map<String, Object> row = queued().get(0);
        assertThat(row).containsEntry("held_back_key_id", row.get("encryption_key_id")).containsEntry("attempts", 0);
        assertThat((String) row.get("last_error")).contains("TOKEN_ENCRYPTION_PREVIOUS_KEYS");
        assertThat(fullscript.isRefreshTokenActive(refresh)).isTrue();

        JobExecution withTheKey = worker.runOnce(); // the same instant: none of the hold-back has passed

        assertThat(step(withTheKey, "revokeTokens").getExitStatus().getExitDescription())
                .contains("replaced_revoked=1");
        assertThat(queued()).isEmpty();
        assertThat(fullscript.isRefreshTokenActive(refresh)).isFalse();
    }

    private static List<Map<String, Object>> queued() {
        return jdbc.sql("SELECT * FROM oauth_grant_revocation ORDER BY id").query().listOfRows();
    }

    private static List<Long> tokenIds() {
        return jdbc.sql("SELECT id FROM oauth_token").query(Long.class).list();
    }

    /** A new authorization by {@code ownerId}, exchanged by one run; returns that run. */
    private static JobExecution authorizeAgain(String ownerId) {
        String code = fullscript.mintCode(FullscriptFixture.REDIRECT_URI, "Practitioner", ownerId);
        long codeId = FullscriptFixture.insertCode(jdbc, code, "us", clock.instant());
        JobExecution execution = worker.runOnce();
        assertThat(FullscriptFixture.codeRow(jdbc, codeId)).containsEntry("status", "EXCHANGED");
        return execution;
    }
}
