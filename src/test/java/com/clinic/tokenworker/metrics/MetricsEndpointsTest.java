package com.clinic.tokenworker.metrics;

import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FreePort;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server of {@link MetricsEndpoints} in-process, against a real database and a settable clock. */
class MetricsEndpointsTest {

    /** Near the real time: Spring Batch stamps its tables with the system clock. */
    private final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeFullscriptServer fullscript;
    private TestWorker worker;
    private int port;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), Clock.systemUTC());
        DatabaseTarget database = TestDatabase.freshDatabase();
        port = FreePort.find();
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_METRICS_PORT", String.valueOf(port));
        worker = TestWorker.start(database, env, clock);
    }

    @AfterEach
    void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void scrapeWhenCodesWaitAndAPauseRunsThenGaugesReadTheDatabaseWithTheWorkersClock() throws Exception {
        // given
        Instant now = clock.instant();
        insertCode(worker.jdbc(), "waiting-1", "us", now.minusSeconds(100));
        insertCode(worker.jdbc(), "waiting-2", "ca", now.minusSeconds(30));
        worker.bean(ThrottleGate.class).pauseUntil(now.plusSeconds(42), "test");

        try (MetricsServer server = worker.bean(MetricsEndpoints.class).open()) {
            // when
            PrometheusText text = PrometheusText.parse(get("/metrics").body());

            // then
            assertThat(server.port()).isEqualTo(port);
            assertThat(text.valueOf("tokenworker_codes", Map.of("status", "PENDING"))).isEqualTo(2.0);
            assertThat(text.valueOf("tokenworker_codes", Map.of("status", "EXPIRED"))).isZero();
            assertThat(text.valueOf("tokenworker_tokens", Map.of("status", "ACTIVE"))).isZero();
            assertThat(text.valueOf("tokenworker_oldest_waiting_code_seconds_left")).isEqualTo(500.0);
            assertThat(text.valueOf("tokenworker_rate_limit_pause_seconds_remaining")).isEqualTo(42.0);
            assertThat(text.valueOf("tokenworker_seconds_since_last_completed_execution"))
                    .isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(text.value("tokenworker_request_budget_remaining", Map.of()).orElseThrow())
                    .as("the whole burst of TOKENWORKER_REQUESTS_PER_5MIN=1000: nothing was sent yet").isEqualTo(100.0);
            assertThat(text.valueOf("tokenworker_database_up")).isEqualTo(1.0);
        }
    }

    @Test
    void scrapeWhenARunCompletedThenSecondsSinceItAreMeasuredWithTheWorkersClock() throws Exception {
        // given
        worker.runOnce();
        clock.set(Instant.now().plusSeconds(90));

        try (MetricsServer server = worker.bean(MetricsEndpoints.class).open()) {
            // when
            PrometheusText text = PrometheusText.parse(get("/metrics").body());

            // then
            assertThat(text.valueOf("tokenworker_seconds_since_last_completed_execution")).isBetween(85.0, 100.0);
        }
    }

    @Test
    void probesWhenTheSchedulerHasNotStartedThenLiveButNotReady() throws Exception {
        try (MetricsServer server = worker.bean(MetricsEndpoints.class).open()) {
            HttpResponse<String> live = get("/livez");
            HttpResponse<String> ready = get("/readyz");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("starting");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("starting");
            assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void openWhenThePortIsTakenThenTheWorkerRunsOnWithoutTheServer() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(port));

            MetricsServer server = worker.bean(MetricsEndpoints.class).open();

            assertThat(server).isSameAs(MetricsServer.NONE);
            assertThat(server.port()).isZero();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
