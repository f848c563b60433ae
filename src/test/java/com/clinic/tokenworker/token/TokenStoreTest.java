package com.clinic.tokenworker.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerAndFullscript;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class TokenStoreTest {

    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final SettableClock clock = new SettableClock(T0);
    private static FakeFullscriptServer fullscript;
    private static WorkerAndFullscript setup;
    private static TestWorker worker;
    private static JdbcClient jdbc;
    private static TokenStore store;

    @BeforeAll
    static void start() {
        setup = WorkerAndFullscript.start(clock);
        fullscript = setup.fullscript();
        worker = setup.worker();
        jdbc = worker.jdbc();
        store = worker.bean(TokenStore.class);
    }

    @AfterAll
    static void stop() {
        setup.close();
    }

    @BeforeEach
    void cleanSlate() {
        setup.resetWorkTables();
    }

    @Test
    void saveWhenANewAuthorizationArrivesAfterARefreshOfTheOldGrantThenTheNewAuthorizationWins() {
        long id = store.saveExchangedGrant(Region.US, grant("first", T0), "u", "https://x/cb", T0);
        // The old grant is refreshed at T0+2h; meanwhile the user authorized again at T0+1h (new scopes), and
        // that exchange is recorded only now.
        jdbc.sql("UPDATE oauth_token SET issued_at = :t, expires_at = :t WHERE id = :id")
                .param("t", OffsetDateTime.ofInstant(T0.plus(Duration.ofHours(2)), ZoneOffset.UTC))
                .param("id", id).update();

        store.saveExchangedGrant(Region.US, grant("second", T0.plus(Duration.ofHours(1))), "u", "https://x/cb",
                T0.plus(Duration.ofHours(2)));

        assertThat(jdbc.sql("SELECT scope FROM oauth_token WHERE id = :id").param("id", id)
                .query(String.class).single()).isEqualTo("second");
    }

    @Test
    void saveWhenAnOlderAuthorizationIsRecordedLateThenTheNewerOneStaysAndTheOlderIsQueuedForRevocation() {
        long id = store.saveExchangedGrant(Region.US, grant("newer", T0.plusSeconds(60)), "u", "https://x/cb", T0);

        assertThat(store.saveExchangedGrant(Region.US, grant("older", T0), "u", "https://x/cb", T0))
                .isEqualTo(id);

        assertThat(jdbc.sql("SELECT scope, version FROM oauth_token").query().singleRow())
                .containsEntry("scope", "newer").containsEntry("version", 0L);
        Map<String, Object> queued = single(queue());
        assertThat(queued).containsEntry("reason", "OLDER_AUTHORIZATION").containsEntry("token_id", id);
        assertThat(decrypt(queued, TokenField.REFRESH_TOKEN)).isEqualTo("refresh-older");
        assertThat(decrypt(queued, TokenField.ACCESS_TOKEN)).isEqualTo("access-older");
    }

    @Test
    void saveWhenTheUserAuthorizesAgainThenTheReplacedGrantMovesToTheQueueStillEncrypted() {
        long id = store.saveExchangedGrant(Region.US, grant("first", T0), "u", "https://x/cb", T0);
        Map<String, Object> before = tokenRow(id);

        store.saveExchangedGrant(Region.US, grant("second", T0.plusSeconds(60)), "u", "https://x/cb",
                T0.plusSeconds(60));

        Map<String, Object> queued = single(queue());
        assertThat(queued).containsEntry("reason", "REAUTHORIZED").containsEntry("token_id", id)
                .containsEntry("region", "us").containsEntry("resource_owner_id", "owner-1")
                .containsEntry("encryption_key_id", before.get("encryption_key_id")).containsEntry("attempts", 0);
        assertThat((byte[]) queued.get("refresh_token_ciphertext")).as("moved byte for byte, never decrypted")
                .isEqualTo(before.get("refresh_token_ciphertext"));
        assertThat(new String((byte[]) queued.get("refresh_token_ciphertext"), StandardCharsets.ISO_8859_1))
                .doesNotContain("refresh-first");
        assertThat(decrypt(queued, TokenField.REFRESH_TOKEN)).isEqualTo("refresh-first");
        assertThat(tokenRow(id)).containsEntry("scope", "second").containsEntry("status", "ACTIVE");
    }

    @Test
    void saveWhenTheRowWasRevokeRequestedThenTheRequestIsQueuedAndTheNewAuthorizationIsActive() {
        long id = store.saveExchangedGrant(Region.US, grant("first", T0), "u", "https://x/cb", T0);
        jdbc.sql("UPDATE oauth_token SET status = 'REVOKE_REQUESTED' WHERE id = :id").param("id", id).update();

        store.saveExchangedGrant(Region.US, grant("second", T0.plusSeconds(60)), "u", "https://x/cb",
                T0.plusSeconds(60));

        assertThat(single(queue())).containsEntry("reason", "REVOKE_REQUESTED").containsEntry("token_id", id);
        assertThat(tokenRow(id)).containsEntry("status", "ACTIVE").containsEntry("scope", "second");
    }

    @Test
    void saveWhenTheSameGrantIsWrittenTwiceThenNothingIsQueued() {
        // Finer than PostgreSQL's microseconds, rounded up when stored: compared as stored, it is the same instant.
        TokenGrant grant = grant("once", T0.plusNanos(123_456_789));
        long id = store.saveExchangedGrant(Region.US, grant, "u", "https://x/cb", T0);

        assertThat(store.saveExchangedGrant(Region.US, grant, "u", "https://x/cb", T0)).isEqualTo(id);

        assertThat(queue()).as("queuing it would revoke the user's live grant").isEmpty();
        assertThat(tokenRow(id)).containsEntry("version", 0L);
    }

    @Test
    void saveWhenAGrantAsOldAsTheStoredOneHoldsAnotherRefreshTokenThenTheStoredOneStaysAndOursIsQueued() {
        // A retried write of the exchange after a refresh rotated the pair: the row holds the live pair, ours is
        // dead at Fullscript; replacing it would revoke the live pair and keep a dead one.
        long id = store.saveExchangedGrant(Region.US, grant("rotated", T0), "u", "https://x/cb", T0);

        assertThat(store.saveExchangedGrant(Region.US, grant("original", T0), "u", "https://x/cb", T0)).isEqualTo(id);

        assertThat(tokenRow(id)).containsEntry("scope", "rotated").containsEntry("version", 0L);
        Map<String, Object> queued = single(queue());
        assertThat(queued).containsEntry("reason", "OLDER_AUTHORIZATION");
        assertThat(decrypt(queued, TokenField.REFRESH_TOKEN)).isEqualTo("refresh-original");
    }

    @Test
    void saveWhenTheReplacedGrantWasAlreadyDeadThenNothingIsQueued() {
        long id = store.saveExchangedGrant(Region.US, grant("first", T0), "u", "https://x/cb", T0);
        jdbc.sql("UPDATE oauth_token SET status = 'REAUTH_REQUIRED' WHERE id = :id").param("id", id).update();

        store.saveExchangedGrant(Region.US, grant("second", T0.plusSeconds(60)), "u", "https://x/cb",
                T0.plusSeconds(60));

        assertThat(queue()).as("Fullscript already refused its refresh token").isEmpty();
        assertThat(tokenRow(id)).containsEntry("status", "ACTIVE");
    }

    @Test
    void queueWhenAReasonIsNotOneOfTheFourThenTheDatabaseRefusesIt() {
        long id = store.saveExchangedGrant(Region.US, grant("first", T0), "u", "https://x/cb", T0);

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> jdbc.sql("""
                        INSERT INTO oauth_grant_revocation (region, resource_owner_type, resource_owner_id, reason,
                            refresh_token_ciphertext, encryption_key_id, created_at)
                        SELECT region, resource_owner_type, resource_owner_id, 'BECAUSE', refresh_token_ciphertext,
                            encryption_key_id, now() FROM oauth_token WHERE id = :id
                        """).param("id", id).update()))
                .hasMessageContaining("oauth_grant_revocation_reason_ck");
    }

    private static List<Map<String, Object>> queue() {
        return jdbc.sql("SELECT * FROM oauth_grant_revocation ORDER BY id").query().listOfRows();
    }

    private static Map<String, Object> single(List<Map<String, Object>> rows) {
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static Map<String, Object> tokenRow(long id) {
        return jdbc.sql("SELECT * FROM oauth_token WHERE id = :id").param("id", id).query().singleRow();
    }

    /** A queued ciphertext opens exactly as the oauth_token row of the same user would. */
    private static String decrypt(Map<String, Object> queued, TokenField field) {
        byte[] ciphertext = (byte[]) queued.get(field == TokenField.ACCESS_TOKEN ? "access_token_ciphertext"
                : "refresh_token_ciphertext");
        return worker.bean(TokenCipher.class).decrypt(ciphertext, (String) queued.get("encryption_key_id"),
                new TokenBinding((String) queued.get("region"), (String) queued.get("resource_owner_type"),
                        (String) queued.get("resource_owner_id"), field));
    }

    private static TokenGrant grant(String scope, Instant createdAt) {
        return new TokenGrant("access-" + scope, Optional.of("refresh-" + scope), "Bearer", scope, createdAt,
                Duration.ofHours(2), "owner-1", "Practitioner");
    }
}
