package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.REDIRECT_URI;
import static com.clinic.tokenworker.simulator.OAuthTestClient.error;
import static com.clinic.tokenworker.simulator.OAuthTestClient.json;
import static com.clinic.tokenworker.simulator.OAuthTestClient.oauth;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TokenExchangeTest {

    private final SettableClock clock = SettableClock.startingAt("2021-06-16T14:57:21.123456Z");
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
    void exchangeWhenCodeValidThenReturnsDocumentedTokenShape() throws Exception {
        String ownerId = UUID.randomUUID().toString();
        String code = server.mintCode(REDIRECT_URI, "Staff", ownerId);

        HttpResponse<String> response = client.exchange(code);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode oauth = oauth(response);
        assertThat(oauth.get("access_token").stringValue()).isNotBlank();
        assertThat(oauth.get("refresh_token").stringValue()).isNotBlank();
        assertThat(oauth.get("token_type").stringValue()).isEqualTo("Bearer");
        assertThat(oauth.get("expires_in").isNumber()).isTrue();
        assertThat(oauth.get("expires_in").intValue()).isEqualTo(7200);
        assertThat(oauth.get("scope").stringValue()).isEqualTo("catalog:read patients:read");
        assertThat(oauth.get("created_at").stringValue()).isEqualTo("2021-06-16T14:57:21.123Z");
        assertThat(oauth.get("resource_owner").get("id").stringValue()).isEqualTo(ownerId);
        assertThat(oauth.get("resource_owner").get("type").stringValue()).isEqualTo("Staff");
        assertThat(server.isAccessTokenActive(oauth.get("access_token").stringValue())).isTrue();
        assertThat(server.isRefreshTokenActive(oauth.get("refresh_token").stringValue())).isTrue();
    }

    @Test
    void exchangeWhenCodeReusedThenInvalidGrant() throws Exception {
        String code = server.mintCode(REDIRECT_URI);

        HttpResponse<String> first = client.exchange(code);
        HttpResponse<String> second = client.exchange(code);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(error(second)).isEqualTo("invalid_grant");
        assertThat(json(second).get("error_description").stringValue()).doesNotContain(code);
    }

    @Test
    void exchangeWhenCodeIsNineMinutesFiftyNineSecondsOldThenSucceeds() throws Exception {
        String code = server.mintCode(REDIRECT_URI);
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));

        assertThat(client.exchange(code).statusCode()).isEqualTo(200);
    }

    @Test
    void exchangeWhenCodeIsOlderThanTenMinutesThenInvalidGrant() throws Exception {
        String code = server.mintCode(REDIRECT_URI);
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));

        HttpResponse<String> response = client.exchange(code);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenRedirectUriDiffersThenInvalidGrantAndCodeStaysUsable() throws Exception {
        String code = server.mintCode(REDIRECT_URI);

        HttpResponse<String> mismatched = client.exchange(code, "https://evil.example/callback");

        assertThat(mismatched.statusCode()).isEqualTo(400);
        assertThat(error(mismatched)).isEqualTo("invalid_grant");
        assertThat(client.exchange(code).statusCode()).isEqualTo(200);
    }

    @Test
    void exchangeWhenCodeUnknownThenInvalidGrant() throws Exception {
        HttpResponse<String> response = client.exchange("never-minted");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenClientSecretWrongThenInvalidClientAndCodeNotConsumed() throws Exception {
        String code = server.mintCode(REDIRECT_URI);

        HttpResponse<String> response = client.post("/api/oauth/token", Map.of(
                "grant_type", "authorization_code", "client_id", server.options().clientId(),
                "client_secret", "wrong", "code", code, "redirect_uri", REDIRECT_URI));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response)).isEqualTo("invalid_client");
        assertThat(client.exchange(code).statusCode()).isEqualTo(200);
    }

    @Test
    void exchangeWhenParameterMissingThenInvalidRequest() throws Exception {
        HttpResponse<String> response = client.post("/api/oauth/token",
                client.credentials(Map.of("grant_type", "authorization_code", "redirect_uri", REDIRECT_URI)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("invalid_request");
    }

    @Test
    void tokenRequestWhenBodyIsNotJsonThenInvalidRequest() throws Exception {
        HttpResponse<String> response = client.postRaw("/api/oauth/token", "grant_type=authorization_code&code=x");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("invalid_request");
    }

    @Test
    void tokenRequestWhenGrantTypeUnknownThenUnsupportedGrantType() throws Exception {
        HttpResponse<String> response = client.post("/api/oauth/token",
                client.credentials(Map.of("grant_type", "password")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("unsupported_grant_type");
    }

    @Test
    void timesCodeSentCountsEveryRequestCarryingTheCodeWhateverTheOutcome() throws Exception {
        String code = server.mintCode(REDIRECT_URI);
        String untouched = server.mintCode(REDIRECT_URI);

        client.exchange(code);
        client.exchange(code);
        client.exchange(code, "https://other.example/cb");

        assertThat(server.timesCodeSent(code)).isEqualTo(3);
        assertThat(server.timesCodeSent(untouched)).isZero();
        assertThat(server.codesSentMoreThanOnce()).containsExactly(code);
        assertThat(server.tokenRequestCount()).isEqualTo(3);
    }
}
