package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.REDIRECT_URI;
import static com.clinic.tokenworker.simulator.OAuthTestClient.oauth;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A code minted with a short first lifetime stands for an old authorization: short once, normal after refresh. */
class FirstAccessTokenLifetimeTest {

    private final SettableClock clock = SettableClock.startingAt("2024-03-01T08:00:00Z");
    private FakeFullscriptServer server;
    private OAuthTestClient client;

    @BeforeEach
    void start() {
        server = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        client = new OAuthTestClient(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void exchangeWhenCodeHasShortFirstLifetimeThenOnlyThatTokenIsShortLived() throws Exception {
        String code = server.mintCode(REDIRECT_URI, new ResourceOwner("prac-old", ResourceOwnerType.PRACTITIONER),
                Duration.ofMinutes(5)).code();

        JsonNode first = oauth(client.exchange(code));
        clock.advance(Duration.ofMinutes(6));
        boolean firstAliveAfterSixMinutes = server.isAccessTokenActive(first.get("access_token").stringValue());
        JsonNode refreshed = oauth(client.refresh(first.get("refresh_token").stringValue()));

        assertThat(first.get("expires_in").asLong()).isEqualTo(300);
        assertThat(firstAliveAfterSixMinutes).isFalse();
        assertThat(refreshed.get("expires_in").asLong()).isEqualTo(7200);
        clock.advance(Duration.ofMinutes(6));
        assertThat(server.isAccessTokenActive(refreshed.get("access_token").stringValue())).isTrue();
    }
}
