package com.clinic.tokenworker.metrics;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FreePort;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * k8s/monitoring/grafana-dashboard.json: every SQL panel's query runs against a migrated database holding a run's
 * rows (Grafana's macros replaced by what Grafana would send), and every Prometheus query names metrics the
 * worker serves.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("k8s", "monitoring", "grafana-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(tokenworker_[a-z_]+)");

    private final Clock clock = Clock.systemUTC();
    private FakeFullscriptServer fullscript;
    private TestWorker worker;
    private int port;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        port = FreePort.find();
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_METRICS_PORT", String.valueOf(port));
        worker = TestWorker.start(TestDatabase.freshDatabase(), env, clock);
        insertCode(worker.jdbc(), fullscript.mintCode(REDIRECT_URI), "us", Instant.now(clock));
        insertCode(worker.jdbc(), "rejected-code", "us", Instant.now(clock));
        worker.runOnce();
        insertCode(worker.jdbc(), "still-waiting", "us", Instant.now(clock));
    }

    @AfterEach
    void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void everySqlPanelWhenRunAgainstAMigratedDatabaseThenReturnsRows() throws Exception {
        List<JsonNode> targets = targets("rawSql");
        assertThat(targets).as("SQL panels").hasSizeGreaterThanOrEqualTo(8);

        for (JsonNode target : targets) {
            String sql = withMacrosExpanded(target.path("rawSql").asText());

            List<Map<String, Object>> rows = worker.jdbc().sql(sql).query().listOfRows();

            assertThat(rows).as("rows of %s", sql).isNotEmpty();
            if ("time_series".equals(target.path("format").asText())) {
                assertThat(rows.get(0)).as("a time series needs time, metric and value: %s", sql)
                        .containsKeys("time", "metric", "value");
            }
        }
    }

    @Test
    void everyPrometheusPanelWhenParsedThenNamesOnlyMetricsTheWorkerServes() throws Exception {
        Set<String> referenced = new TreeSet<>();
        for (JsonNode target : targets("expr")) {
            Matcher metric = METRIC.matcher(target.path("expr").asText());
            while (metric.find()) {
                referenced.add(metric.group(1));
            }
        }

        try (MetricsServer server = worker.bean(MetricsEndpoints.class).open()) {
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            PrometheusText served = PrometheusText.parse(scrape.body());

            assertThat(referenced).as("metrics the dashboard uses").hasSizeGreaterThanOrEqualTo(8)
                    .allSatisfy(name -> assertThat(served.has(name)).as("served: %s", name).isTrue());
        }
    }

    @Test
    void everySqlBlockOfTheMetricsPageWhenRunAgainstAMigratedDatabaseThenSucceeds() throws Exception {
        Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL)
                .matcher(java.nio.file.Files.readString(Path.of("docs", "metrics.md")));
        int ran = 0;
        while (block.find()) {
            String sql = block.group(1).strip();

            worker.jdbc().sql(sql).query().listOfRows();

            ran++;
        }
        assertThat(ran).as("sql blocks in docs/metrics.md").isGreaterThanOrEqualTo(6);
    }

    /** Grafana's PostgreSQL macros as Grafana expands them, over the dashboard's default range (6 hours). */
    static String withMacrosExpanded(String sql) {
        String range = "BETWEEN now() - interval '6 hours' AND now()";
        return sql
                .replaceAll("\\$__timeGroupAlias\\(([^,]+),\\s*'[^']*'\\)",
                        "date_trunc('minute', $1) AS \"time\"")
                .replaceAll("\\$__timeGroup\\(([^,]+),\\s*'[^']*'\\)", "date_trunc('minute', $1)")
                .replaceAll("\\$__timeFilter\\(([^)]+)\\)", "$1 " + range)
                .replace("$__timeFrom()", "now() - interval '6 hours'")
                .replace("$__timeTo()", "now()");
    }

    private static List<JsonNode> targets(String field) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull(field)) {
                    found.add(target);
                }
            }
        }
        return found;
    }
}
