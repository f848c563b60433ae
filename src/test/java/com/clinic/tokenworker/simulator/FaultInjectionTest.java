package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.JSON;
import static com.clinic.tokenworker.simulator.OAuthTestClient.REDIRECT_URI;
import static com.clinic.tokenworker.simulator.OAuthTestClient.error;
import static com.clinic.tokenworker.simulator.OAuthTestClient.oauth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.support.SettableClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.core.JacksonException;

class FaultInjectionTest {

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
    void rateLimitedWithRetryAfterThen429WithHeaderAndCodeStillUsable() throws Exception {
        String code = server.mintCode(REDIRECT_URI);
        server.enqueueFault(new Fault.RateLimited(Duration.ofMillis(2500)));

        HttpResponse<String> limited = client.exchange(code);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(limited.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(client.exchange(code).statusCode()).isEqualTo(200);
        assertThat(server.timesCodeSent(code)).isEqualTo(2);
    }

    @Test
    void rateLimitedWithoutRetryAfterThen429WithoutHeader() throws Exception {
        server.enqueueFault(Fault.RateLimited.withoutRetryAfter());

        HttpResponse<String> limited = client.exchange(server.mintCode(REDIRECT_URI));

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void serverErrorThenThatStatusAndRefreshTokenNotRotated() throws Exception {
        String refresh = oauth(client.exchange(server.mintCode(REDIRECT_URI))).get("refresh_token").stringValue();
        server.faultForRefreshToken(refresh, new Fault.ServerError(503), 1);

        HttpResponse<String> failed = client.refresh(refresh);

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(server.isRefreshTokenActive(refresh)).isTrue();
        assertThat(client.refresh(refresh).statusCode()).isEqualTo(200);
    }

    @Test
    void garbageBodyThen200WithUnparseableBodyAndCodeConsumed() throws Exception {
        String code = server.mintCode(REDIRECT_URI);
        server.enqueueFault(new Fault.GarbageBody());

        HttpResponse<String> response = client.exchange(code);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> JSON.readTree(response.body())).isInstanceOf(JacksonException.class);
        assertThat(error(client.exchange(code))).isEqualTo("invalid_grant");
    }

    @Test
    void oversizedBodyThen200WithExactlyThatManyBytes() throws Exception {
        server.enqueueFault(new Fault.OversizedBody(3 * 1024 * 1024));

        HttpResponse<byte[]> response = client.http().send(
                client.request("/api/oauth/token", JSON.writeValueAsString(client.credentials(java.util.Map.of(
                        "grant_type", "authorization_code", "code", server.mintCode(REDIRECT_URI),
                        "redirect_uri", REDIRECT_URI)))),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(3 * 1024 * 1024);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(3L * 1024 * 1024);
    }

    @Test
    void slowThenCorrectAnswerAfterTheDelayWhileOtherRequestsAreServed() throws Exception {
        String slowCode = server.mintCode(REDIRECT_URI);
        server.faultForCode(slowCode, new Fault.Slow(Duration.ofMillis(1500)), 1);
        long started = System.nanoTime();

        CompletableFuture<HttpResponse<String>> slow = client.http().sendAsync(
                client.request("/api/oauth/token", JSON.writeValueAsString(client.credentials(java.util.Map.of(
                        "grant_type", "authorization_code", "code", slowCode, "redirect_uri", REDIRECT_URI)))),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> fast = client.exchange(server.mintCode(REDIRECT_URI));

        assertThat(fast.statusCode()).isEqualTo(200);
        assertThat(slow).isNotDone();
        HttpResponse<String> slowResponse = slow.get();
        assertThat(slowResponse.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void lostResponseThenClientGetsIOExceptionPromptlyAndCodeIsConsumed(HttpClient.Version version) throws Exception {
        OAuthTestClient versioned = new OAuthTestClient(server,
                HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build());
        // Warm a pooled connection first: the drop must also fail fast (and not be silently retried) on reuse.
        versioned.exchange(server.mintCode(REDIRECT_URI));
        String code = server.mintCode(REDIRECT_URI);
        server.faultForCode(code, new Fault.LostResponse(), 1);
        long started = System.nanoTime();

        assertThatThrownBy(() -> versioned.exchange(code))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(server.timesCodeSent(code)).as("the client did not retry behind our back").isEqualTo(1);
        HttpResponse<String> retry = versioned.exchange(code);
        assertThat(error(retry)).as("the server processed the lost request").isEqualTo("invalid_grant");
        assertThat(server.stats().droppedResponses()).isEqualTo(1);
    }

    @Test
    void lostResponseOnRefreshThenOldRefreshTokenIsAlreadyRotated() throws Exception {
        String refresh = oauth(client.exchange(server.mintCode(REDIRECT_URI))).get("refresh_token").stringValue();
        server.enqueueFault(new Fault.LostResponse());

        assertThatThrownBy(() -> client.refresh(refresh)).isInstanceOf(IOException.class);

        assertThat(server.isRefreshTokenActive(refresh)).isFalse();
        assertThat(error(client.refresh(refresh))).isEqualTo("invalid_grant");
        assertThat(server.staleRefreshTokenUses()).isEqualTo(1);
    }

    @Test
    void forcedInvalidGrantThenCodeNotConsumed() throws Exception {
        String code = server.mintCode(REDIRECT_URI);
        server.enqueueFault(new Fault.InvalidGrant());

        HttpResponse<String> forced = client.exchange(code);

        assertThat(forced.statusCode()).isEqualTo(400);
        assertThat(error(forced)).isEqualTo("invalid_grant");
        assertThat(client.exchange(code).statusCode()).isEqualTo(200);
    }

    @Test
    void faultForCodeAppliesOnlyToThatCodeAndOnlyTheGivenNumberOfTimes() throws Exception {
        String unlucky = server.mintCode(REDIRECT_URI);
        String other = server.mintCode(REDIRECT_URI);
        server.faultForCode(unlucky, new Fault.ServerError(500), 2);

        assertThat(client.exchange(other).statusCode()).isEqualTo(200);
        assertThat(client.exchange(unlucky).statusCode()).isEqualTo(500);
        assertThat(client.exchange(unlucky).statusCode()).isEqualTo(500);
        assertThat(client.exchange(unlucky).statusCode()).isEqualTo(200);
    }

    @Test
    void enqueuedFaultsApplyInOrderToTheNextTokenRequests() throws Exception {
        server.enqueueFault(new Fault.ServerError(502));
        server.enqueueFault(Fault.RateLimited.withoutRetryAfter());

        assertThat(client.exchange(server.mintCode(REDIRECT_URI)).statusCode()).isEqualTo(502);
        assertThat(client.exchange(server.mintCode(REDIRECT_URI)).statusCode()).isEqualTo(429);
        assertThat(client.exchange(server.mintCode(REDIRECT_URI)).statusCode()).isEqualTo(200);
        assertThat(server.stats().faultsInjected()).containsEntry("ServerError", 1L).containsEntry("RateLimited", 1L);
    }

    @Test
    void randomFaultsWithSameSeedProduceSameSequence() throws Exception {
        SimulatorOptions options = SimulatorOptions.builder()
                .rateLimitedRate(0.2).serverErrorRate(0.2).invalidGrantRate(0.2).randomSeed(7).build();

        assertThat(statusesOf(options)).isEqualTo(statusesOf(options)).contains(200, 429, 400);
    }

    @Test
    void latencyDelaysEveryTokenRequestUntilReset() throws Exception {
        server.setLatency(Duration.ofMillis(400));
        long started = System.nanoTime();

        assertThat(client.exchange(server.mintCode(REDIRECT_URI)).statusCode()).isEqualTo(200);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        server.setLatency(Duration.ZERO);
    }

    @Test
    void randomLostResponsesAtFullRateDropEveryTokenRequest() throws Exception {
        try (FakeFullscriptServer lossy = FakeFullscriptServer.start(
                SimulatorOptions.builder().lostResponseRate(1.0).build(), clock)) {
            OAuthTestClient lossyClient = new OAuthTestClient(lossy);
            String code = lossy.mintCode(REDIRECT_URI);

            assertThatThrownBy(() -> lossyClient.exchange(code)).isInstanceOf(IOException.class);
            assertThat(lossy.stats().faultsInjected()).containsEntry("LostResponse", 1L);
        }
    }

    private List<Integer> statusesOf(SimulatorOptions options) throws Exception {
        try (FakeFullscriptServer seeded = FakeFullscriptServer.start(options, clock)) {
            OAuthTestClient seededClient = new OAuthTestClient(seeded);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                statuses.add(seededClient.exchange(seeded.mintCode(REDIRECT_URI)).statusCode());
            }
            return statuses;
        }
    }
}
