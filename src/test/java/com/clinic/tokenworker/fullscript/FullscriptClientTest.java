package com.clinic.tokenworker.fullscript;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.config.RegionCredentials;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How each kind of answer is classified, with canned responses (the stateful behaviour is the fake's job). */
class FullscriptClientTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private HttpServer server;
    private volatile Canned canned;
    private volatile String lastPath;
    private FullscriptClient client;
    private RegionCredentials credentials;

    private record Canned(int status, String body, Map<String, String> headers) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            lastPath = exchange.getRequestURI().getRawPath();
            exchange.getRequestBody().readAllBytes();
            byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
            canned.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("X-Request-Id", "req-123");
            exchange.sendResponseHeaders(canned.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = new FullscriptClient(Duration.ofSeconds(2), CLOCK);
        credentials = new RegionCredentials(Region.US, "id", "secret",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TokenEndpointResult answer(int status, String body, Map<String, String> headers) {
        canned = new Canned(status, body, headers);
        return client.exchangeCode(credentials, "the-code", "https://x/cb");
    }

    @Test
    void classifyWhenExpiresInIsAStringAndOwnerIdANumberThenGranted() {
        TokenEndpointResult result = answer(200, """
                {"oauth":{"access_token":"a","token_type":"Bearer","expires_in":"7200","refresh_token":"r",
                "scope":"catalog:read","created_at":"2025-12-31T23:59:58.000Z",
                "resource_owner":{"id":12345,"type":"Clinic"}}}""", Map.of());

        assertThat(result).isInstanceOfSatisfying(TokenEndpointResult.Granted.class, granted -> {
            assertThat(granted.grant().expiresAt()).isEqualTo(Instant.parse("2026-01-01T01:59:58Z"));
            assertThat(granted.grant().resourceOwnerId()).isEqualTo("12345");
            assertThat(granted.grant().toString()).doesNotContain("\"a\"").contains("<redacted>");
            assertThat(granted.requestId()).contains("req-123");
        });
    }

    @Test
    void classifyWhenARefreshAnswerOmitsOwnerAndTimesThenGrantedWithTheRowsOwnerFromReceipt() {
        canned = new Canned(200, "{\"oauth\":{\"access_token\":\"a2\",\"refresh_token\":\"r2\"}}", Map.of());

        TokenEndpointResult result = client.refresh(credentials, "old-refresh", "https://x/cb",
                new ResourceOwnerRef("Staff", "s-9"));

        assertThat(result).isInstanceOfSatisfying(TokenEndpointResult.Granted.class, granted -> {
            assertThat(granted.grant().refreshToken()).contains("r2");
            assertThat(granted.grant().resourceOwnerId()).isEqualTo("s-9");
            assertThat(granted.grant().issuedAt()).isEqualTo(CLOCK.instant());
            assertThat(granted.grant().expiresAt()).isEqualTo(CLOCK.instant().plus(Duration.ofHours(2)));
        });
    }

    @Test
    void classifyWhenCreatedAtIsFarFromReceiptThenTheReceiptTimeIsUsed() {
        TokenEndpointResult future = answer(200, """
                {"oauth":{"access_token":"a","refresh_token":"r","expires_in":7200,
                "created_at":"2026-01-01T20:00:00Z","resource_owner":{"id":"p","type":"Staff"}}}""", Map.of());
        TokenEndpointResult past = answer(200, """
                {"oauth":{"access_token":"a","refresh_token":"r","expires_in":7200,
                "created_at":"2021-06-16T14:57:21Z","resource_owner":{"id":"p","type":"Staff"}}}""", Map.of());

        assertThat(future).isInstanceOfSatisfying(TokenEndpointResult.Granted.class,
                granted -> assertThat(granted.grant().issuedAt()).isEqualTo(CLOCK.instant()));
        assertThat(past).isInstanceOfSatisfying(TokenEndpointResult.Granted.class,
                granted -> assertThat(granted.grant().issuedAt()).isEqualTo(CLOCK.instant()));
    }

    @Test
    void classifyWhenAnExchangeAnswerHasNoOwnerThenUnavailableBecauseTheRowCannotBeKeyed() {
        TokenEndpointResult result = answer(200, "{\"oauth\":{\"access_token\":\"a\",\"refresh_token\":\"r\"}}",
                Map.of());

        assertThat(result).isInstanceOfSatisfying(TokenEndpointResult.Unavailable.class,
                u -> assertThat(u.reason()).contains("resource_owner"));
    }

    @Test
    void classifyWhenTokenBodyLacksAFieldThenUnavailableNamingTheFieldOnly() {
        TokenEndpointResult result = answer(200, """
                {"oauth":{"access_token":"secret-access","expires_in":7200,"created_at":"2021-06-16T14:57:21Z",
                "resource_owner":{"type":"Staff"}}}""", Map.of());

        assertThat(result).isInstanceOfSatisfying(TokenEndpointResult.Unavailable.class, u ->
                assertThat(u.reason()).contains("resource_owner").doesNotContain("secret-access"));
    }

    @Test
    void classifyWhenInvalidClientThenClientRejectedWhateverTheStatus() {
        assertThat(answer(401, "{\"error\":\"invalid_client\"}", Map.of()))
                .isInstanceOf(TokenEndpointResult.ClientRejected.class);
        assertThat(answer(400, "{\"error\":\"invalid_client\"}", Map.of()))
                .isInstanceOf(TokenEndpointResult.ClientRejected.class);
        assertThat(answer(401, "<html>nope</html>", Map.of()))
                .isInstanceOf(TokenEndpointResult.ClientRejected.class);
    }

    @Test
    void classifyWhenFourHundredWithOAuthErrorThenRejectedWithAShortDescription() {
        TokenEndpointResult result = answer(400, "{\"error\":\"invalid_request\",\"error_description\":\"line one\\n"
                + "line two\"}", Map.of());

        assertThat(result).isInstanceOfSatisfying(TokenEndpointResult.Rejected.class, r -> {
            assertThat(r.error()).isEqualTo("invalid_request");
            assertThat(r.description()).isEqualTo("line one");
        });
    }

    @Test
    void classifyWhenNotFoundWithoutAnOAuthErrorThenTransient() {
        assertThat(answer(404, "{\"status\":404,\"error\":\"Not Found\"}", Map.of()))
                .isInstanceOfSatisfying(TokenEndpointResult.Unavailable.class,
                        u -> assertThat(u.reason()).isEqualTo("HTTP 404"));
        assertThat(answer(502, "<html>bad gateway</html>", Map.of()))
                .isInstanceOf(TokenEndpointResult.Unavailable.class);
    }

    @Test
    void classifyWhenRateLimitedThenRetryAfterInSecondsOrAsADateIsRead() {
        assertThat(answer(429, "", Map.of("Retry-After", "17")))
                .isEqualTo(new TokenEndpointResult.RateLimited(Optional.of(Duration.ofSeconds(17)),
                        Optional.of("req-123")));
        assertThat(answer(429, "", Map.of("Retry-After", "Thu, 01 Jan 2026 00:01:30 GMT")))
                .isEqualTo(new TokenEndpointResult.RateLimited(Optional.of(Duration.ofSeconds(90)),
                        Optional.of("req-123")));
        assertThat(answer(429, "", Map.of("Retry-After", "whenever")))
                .isEqualTo(new TokenEndpointResult.RateLimited(Optional.empty(), Optional.of("req-123")));
    }

    @Test
    void classifyWhenServerRedirectsThenTheRedirectIsNotFollowed() {
        assertThat(answer(307, "", Map.of("Location", "http://127.0.0.1:1/steal")))
                .isInstanceOfSatisfying(TokenEndpointResult.Unavailable.class,
                        u -> assertThat(u.reason()).isEqualTo("HTTP 307"));
    }

    @Test
    void classifyWhenNothingListensThenUnavailableWithoutDetails() {
        FullscriptClient unreachable = new FullscriptClient(Duration.ofSeconds(1), CLOCK);
        server.stop(0);

        assertThat(unreachable.exchangeCode(credentials, "the-code", "https://x/cb"))
                .isInstanceOfSatisfying(TokenEndpointResult.Unavailable.class,
                        u -> assertThat(u.reason()).startsWith("connection failed"));
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "413, payload_too_large",
            "414, uri_too_long",
            "415, unsupported_media_type",
            "422, unprocessable_content",
            "431, request_header_fields_too_large"})
    void classifyWhenTheServerRefusesThePayloadItselfThenRejectedAtOnceWithAReadableReason(int status,
                                                                                          String error) {
        TokenEndpointResult result = answer(status, "<html>" + status + "</html>", Map.of());

        assertThat(result).isInstanceOfSatisfying(TokenEndpointResult.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.error()).isEqualTo(error);
            assertThat(r.description()).contains("refused");
            assertThat(r.requestId()).contains("req-123");
        });
    }

    @ParameterizedTest(name = "HTTP {0} stays transient")
    @CsvSource({"400", "403", "404", "405", "408", "409", "410", "451"})
    void classifyWhenAFourHundredCouldComeFromAWrongRootThenTransient(int status) {
        assertThat(answer(status, "{\"status\":" + status + "}", Map.of()))
                .isInstanceOfSatisfying(TokenEndpointResult.Unavailable.class,
                        u -> assertThat(u.reason()).isEqualTo("HTTP " + status));
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @CsvSource({"0", "1", "'Thu, 01 Jan 2026 00:00:00 GMT'", "'Wed, 31 Dec 2025 23:00:00 GMT'"})
    void classifyWhenRetryAfterIsZeroOrPastThenThePauseIsAtLeastTheFloor(String header) {
        assertThat(answer(429, "", Map.of("Retry-After", header)))
                .isEqualTo(new TokenEndpointResult.RateLimited(Optional.of(RetryAfter.MIN), Optional.of("req-123")));
        assertThat(RetryAfter.MIN).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "root {0}")
    @CsvSource({"'', /api/oauth/token", "/, /api/oauth/token", "/fullscript, /fullscript/api/oauth/token",
            "/fullscript/, /fullscript/api/oauth/token", "/a/b, /a/b/api/oauth/token"})
    void exchangeWhenTheRootHasAPathThenThePathIsKept(String rootPath, String expectedPath) {
        RegionCredentials withPath = new RegionCredentials(Region.US, "id", "secret",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + rootPath));
        canned = new Canned(400, "{\"error\":\"invalid_grant\"}", Map.of());

        client.exchangeCode(withPath, "the-code", "https://x/cb");

        assertThat(lastPath).isEqualTo(expectedPath);
    }

    @Test
    void revokeWhenTheRootHasAPathAndUserInfoThenThePathIsKeptAndTheUserInfoNeverShown() {
        URI root = URI.create("http://admin:hunter2@127.0.0.1:" + server.getAddress().getPort() + "/gw");
        canned = new Canned(200, "{}", Map.of());

        client.revoke(new RegionCredentials(Region.US, "id", "secret", root), "t");

        assertThat(lastPath).isEqualTo("/gw/api/oauth/revoke");
        assertThat(ServerRoot.printable(root)).isEqualTo("http://127.0.0.1:" + server.getAddress().getPort() + "/gw")
                .doesNotContain("hunter2");
        assertThat(new RegionCredentials(Region.US, "id", "secret", root).toString()).doesNotContain("hunter2");
    }
}
