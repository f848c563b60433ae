package com.clinic.tokenworker.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenStoreTest {

    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

    @Test
    void saveWhenANewAuthorizationArrivesAfterARefreshOfTheOldGrantThenTheNewAuthorizationWins() {
        SettableClock clock = new SettableClock(T0);
        try (FakeFullscriptServer unused = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = TestWorker.start(TestDatabase.freshDatabase(),
                     FullscriptFixture.environmentFor(unused), clock)) {
            TokenStore store = worker.bean(TokenStore.class);
            long id = store.saveExchangedGrant(Region.US, grant("first", T0), "u", "https://x/cb", T0);
            // The old grant is refreshed at T0+2h; meanwhile the user authorized again at T0+1h (new scopes), and
            // that exchange is recorded only now.
            worker.jdbc().sql("UPDATE oauth_token SET issued_at = :t, expires_at = :t WHERE id = :id")
                    .param("t", OffsetDateTime.ofInstant(T0.plus(Duration.ofHours(2)), ZoneOffset.UTC))
                    .param("id", id).update();

            store.saveExchangedGrant(Region.US, grant("second", T0.plus(Duration.ofHours(1))), "u", "https://x/cb",
                    T0.plus(Duration.ofHours(2)));

            assertThat(worker.jdbc().sql("SELECT scope FROM oauth_token WHERE id = :id").param("id", id)
                    .query(String.class).single()).isEqualTo("second");
        }
    }

    @Test
    void saveWhenAnOlderAuthorizationIsRecordedLateThenTheNewerOneStays() {
        SettableClock clock = new SettableClock(T0);
        try (FakeFullscriptServer unused = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = TestWorker.start(TestDatabase.freshDatabase(),
                     FullscriptFixture.environmentFor(unused), clock)) {
            TokenStore store = worker.bean(TokenStore.class);
            long id = store.saveExchangedGrant(Region.US, grant("newer", T0.plusSeconds(60)), "u", "https://x/cb",
                    T0);

            assertThat(store.saveExchangedGrant(Region.US, grant("older", T0), "u", "https://x/cb", T0))
                    .isEqualTo(id);

            assertThat(worker.jdbc().sql("SELECT scope, version FROM oauth_token").query().singleRow())
                    .containsEntry("scope", "newer").containsEntry("version", 0L);
        }
    }

    private static TokenGrant grant(String scope, Instant createdAt) {
        return new TokenGrant("access-" + scope, Optional.of("refresh-" + scope), "Bearer", scope, createdAt,
                Duration.ofHours(2), "owner-1", "Practitioner");
    }
}
