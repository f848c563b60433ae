package com.clinic.tokenworker.refresh;

import static com.clinic.tokenworker.support.TokenFixture.accessTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.authorize;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The claim and the guarded writes of the refresh step, one writer against another, on a real database. */
class DueTokenRepositoryTest {

    private static final Duration LEASE = Duration.ofSeconds(10);

    private static final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;
    private static DueTokenRepository tokens;

    @BeforeAll
    static void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_REFRESH_ENABLED", "false");
        worker = TestWorker.start(TestDatabase.freshDatabase(), env, clock);
        jdbc = worker.jdbc();
        tokens = worker.bean(DueTokenRepository.class);
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE oauth_pending_code, oauth_token").update();
        clock.advance(Duration.ofHours(3));
    }

    @Test
    void saveRefreshedWhenAnotherWriterStoredANewerTokenThenReturnsFalseAndKeepsTheNewerToken() {
        long id = dueToken("prac-stale");
        LeasedToken claimed = single(tokens.claim("worker-a", clock.instant(), LEASE, 10));
        clock.advance(Duration.ofSeconds(1));
        TokenGrant reauthorized = grant("prac-stale", "access-from-new-authorization", "refresh-from-new-auth");
        worker.bean(TokenStore.class).saveExchangedGrant(Region.US, reauthorized, null,
                FullscriptFixture.REDIRECT_URI, clock.instant());

        boolean saved = tokens.saveRefreshed(claimed, grant("prac-stale", "stale-access", "stale-refresh"),
                "stale-refresh", Optional.empty(), clock.instant());

        assertThat(saved).isFalse();
        assertThat(tokenRow(jdbc, id)).containsEntry("version", claimed.version() + 1)
                .containsEntry("status", "ACTIVE");
        assertThat(accessTokenOf(worker, id)).isEqualTo("access-from-new-authorization");
    }

    @Test
    void saveRefreshedWhenOurLeaseWasTakenOverButTheVersionIsUnchangedThenThePairInHandIsStored() {
        long id = dueToken("prac-slow");
        LeasedToken slow = single(tokens.claim("worker-a", clock.instant(), LEASE, 10));
        clock.advance(LEASE);
        LeasedToken takeover = single(tokens.claim("worker-b", clock.instant(), LEASE, 10));

        boolean saved = tokens.saveRefreshed(slow, grant("prac-slow", "access-2", "refresh-2"), "refresh-2",
                Optional.empty(), clock.instant());
        boolean reauth = tokens.requireReauthorization(takeover, "refused: invalid_grant", Optional.empty(),
                clock.instant());

        assertThat(saved).isTrue();
        assertThat(reauth).as("the take-over's stale refusal must not undo the stored pair").isFalse();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "ACTIVE").containsEntry("lease_owner", null);
        assertThat(accessTokenOf(worker, id)).isEqualTo("access-2");
    }

    @Test
    void saveRefreshedWhenRevocationWasRequestedDuringTheCallThenThePairIsStoredForRevocation() {
        long id = dueToken("prac-revoke-mid");
        LeasedToken claimed = single(tokens.claim("worker-a", clock.instant(), LEASE, 10));
        jdbc.sql("UPDATE oauth_token SET status = 'REVOKE_REQUESTED' WHERE id = :id").param("id", id).update();

        boolean saved = tokens.saveRefreshed(claimed, grant("prac-revoke-mid", "access-live", "refresh-live"),
                "refresh-live", Optional.empty(), clock.instant());

        assertThat(saved).isTrue();
        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REVOKE_REQUESTED");
        assertThat(accessTokenOf(worker, id)).isEqualTo("access-live");
    }

    @Test
    void claimWhenSeveralAreDueThenTheEarliestExpiryComesFirstAndALeasedRowIsSkipped() {
        long later = dueToken("prac-later");
        long soonest = dueToken("prac-soonest");
        long sooner = dueToken("prac-sooner");
        shiftExpiry(soonest, Duration.ofMinutes(-2));
        shiftExpiry(sooner, Duration.ofMinutes(-1));

        LeasedToken first = single(tokens.claim("worker-a", clock.instant(), LEASE, 1));
        List<LeasedToken> rest = tokens.claim("worker-b", clock.instant(), LEASE, 10);

        assertThat(first.id()).isEqualTo(soonest);
        assertThat(rest).extracting(LeasedToken::id).containsExactly(sooner, later);
        assertThat(tokens.claim("worker-c", clock.instant(), LEASE, 10)).isEmpty();
    }

    @Test
    void claimWhenBackingOffThenTheRowIsNotClaimedBeforeNextRefreshAt() {
        long id = dueToken("prac-backoff");
        jdbc.sql("UPDATE oauth_token SET next_refresh_at = :at WHERE id = :id")
                .param("at", SqlTime.of(clock.instant().plusSeconds(30))).param("id", id).update();

        assertThat(tokens.claim("worker-a", clock.instant(), LEASE, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(tokens.claim("worker-a", clock.instant(), LEASE, 10)).hasSize(1);
    }

    @Test
    void isStillDueWhenTheUserAuthorizedAgainAfterTheClaimThenFalse() {
        dueToken("prac-again");
        LeasedToken claimed = single(tokens.claim("worker-a", clock.instant(), LEASE, 10));
        assertThat(tokens.isStillDue(claimed)).isTrue();

        worker.bean(TokenStore.class).saveExchangedGrant(Region.US, grant("prac-again", "a", "r"), null,
                FullscriptFixture.REDIRECT_URI, clock.instant().plusSeconds(1));

        assertThat(tokens.isStillDue(claimed)).isFalse();
    }

    private long dueToken(String ownerId) {
        long id = authorize(worker, fullscript, ownerId);
        jdbc.sql("UPDATE oauth_token SET status = 'REFRESH_DUE', refresh_due_at = :now WHERE id = :id")
                .param("now", SqlTime.of(clock.instant())).param("id", id).update();
        return id;
    }

    private static void shiftExpiry(long id, Duration by) {
        jdbc.sql("UPDATE oauth_token SET expires_at = expires_at + make_interval(secs => :seconds) WHERE id = :id")
                .param("seconds", by.toSeconds()).param("id", id).update();
    }

    private static TokenGrant grant(String ownerId, String access, String refresh) {
        // A later authorization than the one the row holds: one as old would not replace it.
        Instant issuedAt = clock.instant().plusSeconds(1);
        return new TokenGrant(access, Optional.of(refresh), "Bearer", "catalog:read", issuedAt, Duration.ofHours(2),
                ownerId, "Practitioner");
    }

    private static LeasedToken single(List<LeasedToken> claimed) {
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }
}
