package com.clinic.tokenworker.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Speaks to the fake the way the worker will: JDK HttpClient, JSON bodies. */
final class OAuthTestClient {

    static final String REDIRECT_URI = "https://clinic.example/oauth/fullscript/callback";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final FakeFullscriptServer server;

    OAuthTestClient(FakeFullscriptServer server) {
        this(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    OAuthTestClient(FakeFullscriptServer server, HttpClient http) {
        this.server = server;
        this.http = http;
    }

    HttpResponse<String> exchange(String code) throws IOException, InterruptedException {
        return exchange(code, REDIRECT_URI);
    }

    HttpResponse<String> exchange(String code, String redirectUri) throws IOException, InterruptedException {
        return post("/api/oauth/token", credentials(Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri)));
    }

    HttpResponse<String> refresh(String refreshToken) throws IOException, InterruptedException {
        return post("/api/oauth/token", credentials(Map.of(
                "grant_type", "refresh_token", "refresh_token", refreshToken, "redirect_uri", REDIRECT_URI)));
    }

    HttpResponse<String> revoke(String token) throws IOException, InterruptedException {
        return post("/api/oauth/revoke", credentials(Map.of("token", token)));
    }

    HttpResponse<String> post(String path, Map<String, String> body) throws IOException, InterruptedException {
        return postRaw(path, JSON.writeValueAsString(body));
    }

    HttpResponse<String> postRaw(String path, String body) throws IOException, InterruptedException {
        return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpClient http() {
        return http;
    }

    Map<String, String> credentials(Map<String, String> fields) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", server.options().clientId());
        body.put("client_secret", server.options().clientSecret());
        body.putAll(fields);
        return body;
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static JsonNode oauth(HttpResponse<String> response) {
        return json(response).get("oauth");
    }

    static String error(HttpResponse<String> response) {
        return json(response).get("error").stringValue();
    }

    private URI uri(String path) {
        return URI.create(server.baseUrl() + path);
    }
}
