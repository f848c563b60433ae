package com.clinic.tokenworker.metrics;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.Fault;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FreePort;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code daemon} as a real child JVM with its metrics port, scraped the way Prometheus and the kubelet do while
 * it exchanges codes for two regions. Real clock throughout, since Quartz keeps its own time.
 */
class DaemonMetricsTest {

    private static final Duration SLOW_CALL = Duration.ofSeconds(8);

    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private FakeFullscriptServer us;
    private FakeFullscriptServer ca;
    private DatabaseTarget database;
    private JdbcClient jdbc;
    private int port;

    @BeforeEach
    void start() {
        us = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        resources.add(us);
        ca = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        resources.add(ca);
        database = TestDatabase.freshDatabase();
        TestWorker tables = TestWorker.start(database, FullscriptFixture.environmentFor(us), clock);
        resources.add(tables);
        jdbc = tables.jdbc();
        port = FreePort.find();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void daemonWhenExchangingCodesThenMetricsMoveByRegionAndTheProbesFollowTheSchedulerAndTheDatabase()
            throws Exception {
        // given: a running daemon with its metrics port
        WorkerProcess daemon = WorkerProcess.start("daemon-metrics", database, daemonEnvironment(), "daemon");
        resources.add(daemon);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get("/readyz").statusCode() == 200);
        assertThat(get("/livez").statusCode()).isEqualTo(200);

        // and codes arriving: slow US ones (so a scrape sees the run in flight), a CA one, one Fullscript rejects
        for (int i = 0; i < 3; i++) {
            String code = us.mintCode(REDIRECT_URI);
            us.faultForCode(code, new Fault.Slow(SLOW_CALL), 1);
            insertCode(jdbc, code, "us", Instant.now(clock));
        }
        insertCode(jdbc, ca.mintCode(REDIRECT_URI), "ca", Instant.now(clock));
        insertCode(jdbc, "never-issued-by-fullscript", "us", Instant.now(clock));

        // when the run is in flight: the slow calls are claimed, their codes EXCHANGING
        await().atMost(Duration.ofSeconds(30)).until(() ->
                scrape().valueOf("tokenworker_codes", Map.of("status", "EXCHANGING")) == 3.0);
        PrometheusText during = scrape();

        // then
        assertThat(during.valueOf("tokenworker_database_up")).isEqualTo(1.0);
        assertThat(during.valueOf("tokenworker_oldest_waiting_code_seconds_left")).isBetween(500.0, 600.0);
        assertThat(during.has("tokenworker_request_budget_remaining")).isTrue();
        assertThat(during.valueOf("tokenworker_rate_limit_pause_seconds_remaining")).isZero();
        assertThat(during.has("jvm_memory_used_bytes")).isTrue();
        assertThat(get("/livez").statusCode()).isEqualTo(200);

        // and once the run completed
        await().atMost(Duration.ofSeconds(30)).until(() ->
                scrape().valueOf("tokenworker_codes", Map.of("status", "EXCHANGED")) == 4.0);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                scrape().valueOf("tokenworker_seconds_since_last_completed_execution") < 60);
        PrometheusText after = scrape();
        assertThat(after.valueOf("tokenworker_exchanges_total", Map.of("region", "us", "outcome", "granted")))
                .isEqualTo(3.0);
        assertThat(after.valueOf("tokenworker_exchanges_total", Map.of("region", "ca", "outcome", "granted")))
                .isEqualTo(1.0);
        // The rejected code, and verifyCredentials' dummy code (invalid_grant is how the check knows it is accepted).
        assertThat(after.valueOf("tokenworker_exchanges_total", Map.of("region", "us", "outcome", "rejected")))
                .isEqualTo(2.0);
        assertThat(after.valueOf("tokenworker_codes", Map.of("status", "FAILED"))).isEqualTo(1.0);
        assertThat(after.valueOf("tokenworker_tokens", Map.of("status", "ACTIVE"))).isEqualTo(4.0);
        assertThat(after.valueOf("tokenworker_fullscript_call_duration_seconds_count",
                Map.of("kind", "exchange", "region", "us"))).as("four codes and the credential check").isEqualTo(5.0);
        assertThat(after.valueOf("tokenworker_fullscript_call_duration_seconds_bucket",
                Map.of("kind", "exchange", "region", "us", "le", "2.5")))
                .as("the three slow calls took longer than 2.5 s; the rejected code and the check did not")
                .isEqualTo(2.0);
        assertThat(after.value("tokenworker_oldest_waiting_code_seconds_left", Map.of()).orElseThrow())
                .as("no code waits").isNaN();

        // when the database goes away: readiness fails, liveness does not (a restart would not help)
        setConnectionsAllowed(false);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/readyz").statusCode() == 503);
            assertThat(get("/readyz").body()).contains("database");
            assertThat(get("/livez").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> scrape().valueOf("tokenworker_database_up") == 0.0);
            assertThat(scrape().value("tokenworker_codes", Map.of("status", "EXCHANGED")).orElseThrow()).isNaN();
        } finally {
            setConnectionsAllowed(true);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/readyz").statusCode() == 200);

        daemon.terminate();
        assertThat(daemon.awaitExit(Duration.ofSeconds(45))).as("log: %s", daemon.logFile()).isZero();
    }

    private Map<String, String> daemonEnvironment() {
        Map<String, String> env = FullscriptFixture.environmentFor(us);
        env.put("FULLSCRIPT_CA_CLIENT_ID", ca.options().clientId());
        env.put("FULLSCRIPT_CA_CLIENT_SECRET", ca.options().clientSecret());
        env.put("FULLSCRIPT_CA_BASE_URL", ca.baseUrl().toString());
        env.put("TOKENWORKER_INTERVAL", "PT1S");
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT10S");
        env.put("TOKENWORKER_LEASE", "PT30S");
        env.put("TOKENWORKER_MAX_RUN_DURATION", "PT1M");
        env.put("TOKENWORKER_METRICS_PORT", String.valueOf(port));
        return env;
    }

    /**
     * No new connection to the test's database, and the open ones cut: to the worker, the database is gone.
     * Done from the server's maintenance database, as the owner of the test's one.
     */
    private void setConnectionsAllowed(boolean allowed) throws Exception {
        String name = database.url().replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
        String maintenance = database.url().replace("/" + name, "/postgres");
        try (Connection connection = DriverManager.getConnection(maintenance, database.username(),
                database.password());
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                        + name + "'");
            }
        }
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
