package com.clinic.tokenworker.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The alert queries exactly as the runbook (docs/runbook.md) documents them: silent on a healthy worker, each one
 * firing on the state it is meant to catch, with the thresholds the shipped manifests use.
 */
class AlertQueriesTest {

    private static final Pattern ALERT = Pattern.compile("```sql\\n(-- alert: ([a-z-]+).*?)```", Pattern.DOTALL);

    private static final SettableClock clock = new SettableClock(Instant.now());
    private static TimeZone originalZone;
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;
    private static Map<String, String> alerts;

    @BeforeAll
    static void start() throws IOException {
        alerts = documentedAlerts();
        originalZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
        TimeZone.setDefault(originalZone);
    }

    @BeforeEach
    void healthyWorker() {
        jdbc.sql("TRUNCATE oauth_pending_code, oauth_token").update();
        jdbc.sql("""
                TRUNCATE batch_step_execution_context, batch_step_execution, batch_job_execution_context,
                         batch_job_execution_params, batch_job_execution, batch_job_instance""").update();
        clock.set(Instant.now());
        FullscriptFixture.insertCode(jdbc, fullscript.mintCode(FullscriptFixture.REDIRECT_URI, "Practitioner",
                "prac-0"), "us", clock.instant());
        worker.runOnce();
    }

    @Test
    void noCompletedRunAlertWhenComparedWithTheShippedConfigMapThenSameSilence() throws IOException {
        Matcher threshold = Pattern.compile("seconds_since_completed_run > (\\d+)")
                .matcher(alerts.get("no-completed-run"));
        Matcher configured = Pattern.compile("TOKENWORKER_STATUS_MAX_SILENCE: \"([^\"]+)\"")
                .matcher(Files.readString(Path.of("k8s/base/configmap.yaml")));

        assertThat(threshold.find()).as("the alert's threshold in seconds").isTrue();
        assertThat(configured.find()).as("TOKENWORKER_STATUS_MAX_SILENCE in the ConfigMap").isTrue();
        assertThat(Long.parseLong(threshold.group(1))).isEqualTo(Duration.parse(configured.group(1)).toSeconds());
    }

    @Test
    void alertsThenTheRunbookDocumentsTheSixOfTheIssue() {
        assertThat(alerts).containsOnlyKeys("code-expired", "code-near-deadline", "reauth-required-growth",
                "no-completed-run", "stuck-execution", "refresh-failing");
    }

    @Test
    void alertsWhenTheWorkerIsHealthyThenNoneFires() {
        alerts.forEach((name, sql) -> assertThat(rows(sql)).as(name).isZero());
    }

    @Test
    void alertsWhenEachProblemIsPresentThenEachFires() {
        FullscriptFixture.insertCode(jdbc, "code-too-old", "us", clock.instant().minus(Duration.ofMinutes(11)));
        worker.runOnce();
        FullscriptFixture.insertCode(jdbc, "code-waiting-long", "us", clock.instant().minus(Duration.ofMinutes(8)));
        jdbc.sql("""
                INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, issued_at, expires_at,
                    status, refresh_attempts, updated_at)
                SELECT 'us', 'Practitioner', 'gone-' || g, now() - interval '2 hours', now(),
                       CASE WHEN g = 0 THEN 'REFRESH_DUE' ELSE 'REAUTH_REQUIRED' END,
                       CASE WHEN g = 0 THEN 3 ELSE 1 END, now()
                FROM generate_series(0, 21) g""").update();
        jdbc.sql("""
                UPDATE batch_job_execution SET create_time = create_time - interval '10 minutes',
                    start_time = start_time - interval '10 minutes', end_time = end_time - interval '10 minutes',
                    last_updated = last_updated - interval '10 minutes'""").update();
        jdbc.sql("UPDATE batch_step_execution SET last_updated = last_updated - interval '10 minutes'").update();
        jdbc.sql("""
                UPDATE batch_job_execution SET status = 'STARTED', end_time = NULL
                WHERE job_execution_id = (SELECT max(job_execution_id) FROM batch_job_execution)""").update();

        alerts.forEach((name, sql) -> assertThat(rows(sql)).as(name).isPositive());
    }

    private static int rows(String sql) {
        return jdbc.sql(sql.trim().replaceAll(";$", "")).query().listOfRows().size();
    }

    private static Map<String, String> documentedAlerts() throws IOException {
        String runbook = Files.readString(Path.of("docs/runbook.md"));
        Map<String, String> alerts = new LinkedHashMap<>();
        Matcher matcher = ALERT.matcher(runbook);
        while (matcher.find()) {
            alerts.put(matcher.group(2), matcher.group(1));
        }
        return alerts;
    }
}
