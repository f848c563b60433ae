package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.json;
import static com.clinic.tokenworker.simulator.OAuthTestClient.oauth;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SimulatorEndpointsTest {

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
    void baseUrlIsLoopbackWithTheEphemeralPort() {
        assertThat(server.baseUrl().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(server.baseUrl().getPort()).isPositive();
    }

    @Test
    void mintCodeEndpointReturnsACodeTheTokenEndpointAccepts() throws Exception {
        HttpResponse<String> minted = client.post("/simulator/codes", Map.of(
                "redirect_uri", "http://localhost:3000/cb", "resource_owner_type", "Clinic",
                "resource_owner_id", "clinic-42"));

        assertThat(minted.statusCode()).isEqualTo(201);
        JsonNode body = json(minted);
        assertThat(body.get("expires_at").stringValue()).isEqualTo("2024-03-01T08:10:00.000Z");
        assertThat(body.get("resource_owner").get("type").stringValue()).isEqualTo("Clinic");
        HttpResponse<String> exchanged = client.exchange(body.get("code").stringValue(), "http://localhost:3000/cb");
        assertThat(exchanged.statusCode()).isEqualTo(200);
        assertThat(oauth(exchanged).get("resource_owner").get("id").stringValue()).isEqualTo("clinic-42");
    }

    @Test
    void mintCodeEndpointWithoutBodyUsesDefaults() throws Exception {
        HttpResponse<String> minted = client.postRaw("/simulator/codes", "");

        assertThat(minted.statusCode()).isEqualTo(201);
        JsonNode body = json(minted);
        assertThat(body.get("redirect_uri").stringValue()).isEqualTo(server.options().defaultRedirectUri());
        assertThat(body.get("resource_owner").get("type").stringValue()).isEqualTo("Practitioner");
        assertThat(body.get("resource_owner").get("id").stringValue()).hasSize(36);
    }

    @Test
    void statsEndpointReportsCounters() throws Exception {
        client.exchange(server.mintCode(OAuthTestClient.REDIRECT_URI));

        JsonNode stats = json(client.get("/simulator/stats"));

        assertThat(stats.get("tokenRequests").longValue()).isEqualTo(1);
        assertThat(stats.get("codesMinted").intValue()).isEqualTo(1);
        assertThat(stats.get("activeGrants").intValue()).isEqualTo(1);
        assertThat(stats.get("responsesByStatus").get("200").longValue()).isEqualTo(1);
    }

    @Test
    void unknownPathThen404InRailsShape() throws Exception {
        HttpResponse<String> response = client.get("/api/oauth/nothing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("status").intValue()).isEqualTo(404);
        assertThat(json(response).get("error").stringValue()).isEqualTo("Not Found");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void getOnTokenEndpointThen404() throws Exception {
        assertThat(client.get("/api/oauth/token").statusCode()).isEqualTo(404);
    }

    @Test
    void everyResponseCarriesAUniqueRequestId() throws Exception {
        String first = client.get("/nope").headers().firstValue("X-Request-Id").orElseThrow();
        String second = client.exchange("unknown").headers().firstValue("X-Request-Id").orElseThrow();

        assertThat(first).isNotBlank().isNotEqualTo(second);
    }

    @Test
    void tokenRequestWhenBodyExceedsTheCapThen413() throws Exception {
        HttpResponse<String> response = client.postRaw("/api/oauth/token", "x".repeat(70 * 1024));

        assertThat(response.statusCode()).isEqualTo(413);
    }
}
