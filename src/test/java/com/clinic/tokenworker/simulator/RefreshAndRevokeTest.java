package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.REDIRECT_URI;
import static com.clinic.tokenworker.simulator.OAuthTestClient.error;
import static com.clinic.tokenworker.simulator.OAuthTestClient.json;
import static com.clinic.tokenworker.simulator.OAuthTestClient.oauth;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RefreshAndRevokeTest {

    private final SettableClock clock = SettableClock.startingAt("2024-03-01T08:00:00Z");
    private FakeFullscriptServer server;
    private OAuthTestClient client;

    private void start(SimulatorOptions options) {
        server = FakeFullscriptServer.start(options, clock);
        client = new OAuthTestClient(server);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonNode authorize() throws Exception {
        HttpResponse<String> response = client.exchange(server.mintCode(REDIRECT_URI));
        assertThat(response.statusCode()).isEqualTo(200);
        return oauth(response);
    }

    @Test
    void refreshRotatesBothTokensAndKillsTheOldPairAtOnce() throws Exception {
        start(SimulatorOptions.defaults());
        JsonNode first = authorize();
        String oldAccess = first.get("access_token").stringValue();
        String oldRefresh = first.get("refresh_token").stringValue();
        clock.advance(Duration.ofMinutes(90));

        HttpResponse<String> response = client.refresh(oldRefresh);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode second = oauth(response);
        String newAccess = second.get("access_token").stringValue();
        String newRefresh = second.get("refresh_token").stringValue();
        assertThat(newAccess).isNotEqualTo(oldAccess);
        assertThat(newRefresh).isNotEqualTo(oldRefresh);
        assertThat(second.get("created_at").stringValue()).isEqualTo("2024-03-01T09:30:00.000Z");
        assertThat(server.isRefreshTokenActive(oldRefresh)).isFalse();
        assertThat(server.isAccessTokenActive(oldAccess)).isFalse();
        assertThat(server.isRefreshTokenActive(newRefresh)).isTrue();
        assertThat(server.isAccessTokenActive(newAccess)).isTrue();
    }

    @Test
    void refreshWhenRefreshTokenAlreadyRotatedThenInvalidGrantAndCountedAsStaleUse() throws Exception {
        start(SimulatorOptions.defaults());
        String oldRefresh = authorize().get("refresh_token").stringValue();
        assertThat(client.refresh(oldRefresh).statusCode()).isEqualTo(200);
        assertThat(server.staleRefreshTokenUses()).isZero();

        HttpResponse<String> reuse = client.refresh(oldRefresh);

        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(error(reuse)).isEqualTo("invalid_grant");
        assertThat(server.staleRefreshTokenUses()).isEqualTo(1);
        assertThat(server.timesRefreshTokenSent(oldRefresh)).isEqualTo(2);
    }

    @Test
    void refreshWhenRefreshTokenUnknownThenInvalidGrantButNotStale() throws Exception {
        start(SimulatorOptions.defaults());

        HttpResponse<String> response = client.refresh("made-up");

        assertThat(error(response)).isEqualTo("invalid_grant");
        assertThat(server.staleRefreshTokenUses()).isZero();
    }

    @Test
    void refreshWhenOmitRefreshTokenOptionThenNoRefreshTokenAndOldOneStaysValid() throws Exception {
        start(SimulatorOptions.builder().omitRefreshTokenOnRefresh(true).build());
        JsonNode first = authorize();
        String refreshToken = first.get("refresh_token").stringValue();

        HttpResponse<String> response = client.refresh(refreshToken);

        JsonNode second = oauth(response);
        assertThat(second.has("refresh_token")).isFalse();
        assertThat(server.isAccessTokenActive(first.get("access_token").stringValue())).isFalse();
        assertThat(server.isRefreshTokenActive(refreshToken)).isTrue();
        assertThat(client.refresh(refreshToken).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenResponseWhenExpiresInAsStringOptionThenExpiresInIsAString() throws Exception {
        start(SimulatorOptions.builder().expiresInAsString(true).build());

        JsonNode tokens = authorize();

        assertThat(tokens.get("expires_in").isString()).isTrue();
        assertThat(tokens.get("expires_in").stringValue()).isEqualTo("7200");
    }

    @Test
    void accessTokenWhenPastExpiresInThenInactive() throws Exception {
        start(SimulatorOptions.defaults());
        String access = authorize().get("access_token").stringValue();

        clock.advance(Duration.ofSeconds(7200));
        assertThat(server.isAccessTokenActive(access)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(server.isAccessTokenActive(access)).isFalse();
    }

    @Test
    void revokeWhenGivenAccessTokenThenRefreshTokenOfTheSameGrantDies() throws Exception {
        start(SimulatorOptions.defaults());
        JsonNode tokens = authorize();
        String refresh = tokens.get("refresh_token").stringValue();

        HttpResponse<String> response = client.revoke(tokens.get("access_token").stringValue());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{}");
        assertThat(server.isRefreshTokenActive(refresh)).isFalse();
        assertThat(error(client.refresh(refresh))).isEqualTo("invalid_grant");
        assertThat(server.revokeRequestCount()).isEqualTo(1);
        assertThat(server.staleRefreshTokenUses()).as("revoked is not rotated").isZero();
    }

    @Test
    void revokeWhenGivenRefreshTokenThenAccessTokenDiesToo() throws Exception {
        start(SimulatorOptions.defaults());
        JsonNode tokens = authorize();

        client.revoke(tokens.get("refresh_token").stringValue());

        assertThat(server.isAccessTokenActive(tokens.get("access_token").stringValue())).isFalse();
    }

    @Test
    void revokeWhenClientSecretWrongThenInvalidClientAndTokenSurvives() throws Exception {
        start(SimulatorOptions.defaults());
        String refresh = authorize().get("refresh_token").stringValue();

        HttpResponse<String> response = client.post("/api/oauth/revoke", java.util.Map.of(
                "client_id", server.options().clientId(), "client_secret", "wrong", "token", refresh));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response)).isEqualTo("invalid_client");
        assertThat(server.isRefreshTokenActive(refresh)).isTrue();
    }

    @Test
    void revokeWhenTokenUnknownThenStillOk() throws Exception {
        start(SimulatorOptions.defaults());

        assertThat(client.revoke("unknown").statusCode()).isEqualTo(200);
    }

    @Test
    void refreshWhenUserRevokedAccessInFullscriptThenInvalidGrant() throws Exception {
        start(SimulatorOptions.defaults());
        String ownerId = UUID.randomUUID().toString();
        HttpResponse<String> exchanged = client.exchange(server.mintCode(REDIRECT_URI, "Practitioner", ownerId));
        String refresh = oauth(exchanged).get("refresh_token").stringValue();

        assertThat(server.revokeGrantOf(ownerId)).isEqualTo(1);

        HttpResponse<String> response = client.refresh(refresh);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").stringValue()).isEqualTo("invalid_grant");
    }
}
