package com.clinic.tokenworker.cli;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.CommandLineRun;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code status} through the real entry point: real PostgreSQL written by a real worker, a settable clock, and an
 * environment with nothing but the database (no encryption key, no Fullscript credentials).
 */
class StatusCommandTest {

    /**
     * Starts at the real time: Spring Batch stamps its tables with the system clock, the worker's rows with this
     * one, and the rules compare both. Tests then move it relative to what Batch wrote.
     */
    private static final SettableClock clock = new SettableClock(Instant.now());
    private static DatabaseTarget database;
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        database = TestDatabase.freshDatabase();
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE oauth_pending_code, oauth_token, tokenworker_rate_bucket").update();
        jdbc.sql("""
                TRUNCATE batch_step_execution_context, batch_step_execution, batch_job_execution_context,
                         batch_job_execution_params, batch_job_execution, batch_job_instance""").update();
        jdbc.sql("UPDATE tokenworker_throttle SET paused_until = 'epoch', reason = NULL").update();
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void statusWhenTheLastRunCompletedThenHealthyWithoutKeyOrCredentials() {
        String code = fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-1");
        insertCode(jdbc, code, "us", clock.instant());
        assertThat(worker.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);

        CommandLineRun result = status(statusEnvironment());

        assertThat(statusEnvironment()).doesNotContainKeys("TOKEN_ENCRYPTION_KEY", "FULLSCRIPT_US_CLIENT_ID",
                "FULLSCRIPT_US_CLIENT_SECRET");
        assertThat(result.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(result.out()).contains("HEALTHY (no attention rule fired)")
                .containsPattern("(?m)^  EXCHANGED +1$")
                .containsPattern("(?m)^  ACTIVE +1$")
                .contains("exchangeCodes COMPLETED read=1 write=1 filter=0: exchanged=1")
                .contains("Fullscript 429 pause: none")
                .doesNotContain(code);
        assertThat(result.err()).isEmpty();
    }

    @Test
    void statusWhenACodeExpiredInTheLastHourThenAttentionNamesTheRule() {
        long expiredNow = insertCode(jdbc, "code-expired-now", "us", clock.instant().minus(Duration.ofMinutes(11)));
        insertFinishedCode("EXPIRED", clock.instant().minus(Duration.ofMinutes(61)), "an hour ago");
        assertThat(worker.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);

        CommandLineRun result = status(statusEnvironment());

        assertThat(result.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(result.out()).contains("ATTENTION NEEDED")
                .contains("CODE_EXPIRED: 1 code(s) reached the 10-minute deadline unexchanged in the last hour")
                .contains("#" + expiredNow + " EXPIRED us")
                .contains("not exchanged before its 10-minute deadline (no attempt was made)")
                .doesNotContain("an hour ago")
                .doesNotContain("NO_RECENT_COMPLETED_RUN")
                .doesNotContain("code-expired-now");
    }

    @Test
    void statusWhenNoRunCompletedWithinThreeIntervalsThenAttention() {
        JobExecution run = worker.runOnce();
        Instant ended = batchInstant(run.getEndTime());

        clock.set(ended.plus(Duration.ofSeconds(44)));
        CommandLineRun withinThreeIntervals = status(statusEnvironment());
        clock.set(ended.plus(Duration.ofSeconds(46)));
        CommandLineRun pastThreeIntervals = status(statusEnvironment());

        assertThat(withinThreeIntervals.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(pastThreeIntervals.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(pastThreeIntervals.out()).contains("NO_RECENT_COMPLETED_RUN: the last COMPLETED "
                + "tokenMaintenanceJob execution ended at").contains("one is expected every 45s");
    }

    @Test
    void statusWhenMaxSilenceCoversTheCronJobGapThenTheGapIsNoAlarm() {
        Instant ended = batchInstant(worker.runOnce().getEndTime());
        clock.set(ended.plus(Duration.ofSeconds(70)));
        Map<String, String> cronEnvironment = statusEnvironment();
        cronEnvironment.put("TOKENWORKER_STATUS_MAX_SILENCE", "PT3M");

        CommandLineRun fromVariable = status(cronEnvironment);
        CommandLineRun fromOption = status(statusEnvironment(), "--max-silence=PT3M");

        assertThat(fromVariable.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(fromOption.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(fromOption.out()).contains("attention after 3m00s without one");
    }

    @Test
    void statusWhenTheJobNeverRanThenAttentionSaysSo() {
        CommandLineRun result = status(statusEnvironment());

        assertThat(result.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(result.out()).contains("NO_RECENT_COMPLETED_RUN: tokenMaintenanceJob has never run against this "
                + "database");
    }

    @Test
    void statusWhenAKilledRunLeftItsExecutionStartedThenItIsStuckAfterTheMaxRunDuration() {
        JobExecution run = worker.runOnce();
        leaveStartedAsAKilledPodWould(run.getId());
        Instant heartbeat = lastStepWrite(run.getId());

        clock.set(heartbeat.plus(Duration.ofMinutes(5)).minusSeconds(1));
        CommandLineRun stillRunning = status(statusEnvironment());
        clock.set(heartbeat.plus(Duration.ofMinutes(5)).plusSeconds(1));
        CommandLineRun stuck = status(statusEnvironment());

        assertThat(stillRunning.out()).doesNotContain("STUCK").contains("Unfinished:");
        assertThat(stuck.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(stuck.out()).contains("STUCK_EXECUTION: execution " + run.getId() + " is STARTED but has written "
                        + "nothing since")
                .contains("longer than TOKENWORKER_MAX_RUN_DURATION PT5M")
                .contains("launched by " + run.getJobParameters().getString("launchedBy"))
                .containsPattern(run.getId() + " STARTED since .* STUCK");
    }

    @Test
    void statusWithJsonThenPrintsOnlyJsonWithTheFiguresAndTheRules() throws Exception {
        insertCode(jdbc, fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-2"), "us", clock.instant());
        insertCode(jdbc, "code-too-old", "us", clock.instant().minus(Duration.ofMinutes(12)));
        worker.runOnce();
        worker.runOnce();
        worker.runOnce();
        Instant pausedUntil = clock.instant().plus(Duration.ofSeconds(90)).truncatedTo(ChronoUnit.SECONDS);
        jdbc.sql("UPDATE tokenworker_throttle SET paused_until = :until, reason = '429 from Fullscript'")
                .param("until", SqlTime.of(pausedUntil)).update();

        CommandLineRun result = status(statusEnvironment(), "--json", "--executions=2");

        assertThat(result.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        JsonNode json = JsonMapper.builder().build().readTree(result.out());
        assertThat(Instant.parse(json.get("checkedAt").asString())).isEqualTo(clock.instant());
        assertThat(json.get("healthy").asBoolean()).isFalse();
        assertThat(json.get("attention").get(0).get("rule").asString()).isEqualTo("CODE_EXPIRED");
        assertThat(json.at("/codes/byStatus/EXCHANGED").asLong()).isEqualTo(1);
        assertThat(json.at("/codes/byStatus/EXPIRED").asLong()).isEqualTo(1);
        assertThat(json.at("/codes/byStatus/PENDING").asLong()).isZero();
        assertThat(json.at("/codes/expiredLastHour").asLong()).isEqualTo(1);
        assertThat(json.at("/codes/latestProblems/0/lastError").asString()).contains("10-minute deadline");
        assertThat(json.at("/tokens/byStatus/ACTIVE").asLong()).isEqualTo(1);
        assertThat(json.at("/tokens/byStatus/REAUTH_REQUIRED").asLong()).isZero();
        assertThat(json.at("/throttle/paused").asBoolean()).isTrue();
        assertThat(Instant.parse(json.at("/throttle/pausedUntil").asString())).isEqualTo(pausedUntil);
        assertThat(json.at("/runs/executionsEver").asLong()).isEqualTo(3);
        assertThat(json.at("/runs/maxSilenceSeconds").asLong()).isEqualTo(45);
        JsonNode recent = json.at("/runs/recent");
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.get(0).get("id").asLong()).isGreaterThan(recent.get(1).get("id").asLong());
        assertThat(recent.get(0).get("status").asString()).isEqualTo("COMPLETED");
        assertThat(recent.get(0).get("durationMillis").isNumber()).isTrue();
        assertThat(recent.get(0).get("steps").get(0).get("name").asString()).isEqualTo("verifyCredentials");
        JsonNode step = recent.get(0).get("steps").get(1);
        assertThat(step.get("name").asString()).isEqualTo("exchangeCodes");
        assertThat(step.has("readCount") && step.has("writeCount") && step.has("filterCount")).isTrue();
        assertThat(step.get("exitDescription").asString()).contains("exchanged=0");
        assertThat(result.out()).doesNotContain("code-too-old");
    }

    @Test
    void statusWhenFullscriptAskedToPauseThenTheTableShowsUntilWhen() {
        worker.runOnce();
        jdbc.sql("UPDATE tokenworker_throttle SET paused_until = :until, reason = 'HTTP 429, Retry-After 120'")
                .param("until", SqlTime.of(clock.instant().plus(Duration.ofMinutes(2)))).update();

        CommandLineRun result = status(statusEnvironment());

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(result.out()).contains("Fullscript 429 pause: until ").contains("(2m00s from now): HTTP 429, "
                + "Retry-After 120");
    }

    @Test
    void statusWhenGrantsWaitToBeRevokedThenTheTableSaysHowManyAndSinceWhen() {
        worker.runOnce();
        queueGrant(worker.bean(TokenCipher.class).currentKeyId());

        CommandLineRun result = status(statusEnvironment());

        jdbc.sql("TRUNCATE oauth_grant_revocation").update();
        assertThat(result.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(result.out()).contains("1 grant(s) no longer kept wait to be revoked at Fullscript, the oldest "
                + "queued ").contains("(oauth_grant_revocation)").doesNotContain("UNDECRYPTABLE_TOKENS");
    }

    @Test
    void statusWhenAGrantToRevokeIsSealedWithAKeyNoWorkerHoldsThenAttentionNamesTheKey() {
        worker.runOnce();
        queueGrant("00112233aabbccdd");

        CommandLineRun result = status(statusEnvironment());

        jdbc.sql("TRUNCATE oauth_grant_revocation").update();
        assertThat(result.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(result.out()).contains("UNDECRYPTABLE_TOKENS: 1 grant(s) waiting to be revoked")
                .contains("key id 00112233aabbccdd").contains("TOKEN_ENCRYPTION_PREVIOUS_KEYS");
    }

    private static void queueGrant(String keyId) {
        jdbc.sql("""
                        INSERT INTO oauth_grant_revocation (region, resource_owner_type, resource_owner_id, reason,
                            refresh_token_ciphertext, encryption_key_id, attempts, next_attempt_at, last_error,
                            created_at)
                        VALUES ('us', 'Practitioner', 'prac-1', 'REAUTHORIZED', '\\x02', :keyId, 3, :next,
                            'revocation attempt 3 failed: HTTP 503', :queued)
                        """)
                .param("keyId", keyId)
                .param("next", SqlTime.of(clock.instant().plus(Duration.ofMinutes(1))))
                .param("queued", SqlTime.of(clock.instant().minus(Duration.ofMinutes(5)))).update();
    }

    @Test
    void statusWhenTheDatabaseIsUnreachableThenExitsFiveWithOneClearLine() {
        Map<String, String> environment = Map.of("SPRING_DATASOURCE_URL",
                "jdbc:postgresql://127.0.0.1:1/tokenworker?user=ops&password=s3cret-in-url");

        CommandLineRun result = status(environment);

        assertThat(result.exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());
        assertThat(result.err().lines()).containsExactly("error: cannot reach the database at 127.0.0.1:1/"
                + "tokenworker (connection refused); check SPRING_DATASOURCE_URL and that PostgreSQL accepts "
                + "connections there");
        assertThat(result.err()).doesNotContain("s3cret-in-url");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void statusWhenConfigurationIsInvalidThenExitsThreeNamingTheVariable() {
        Map<String, String> badInterval = statusEnvironment();
        badInterval.put("TOKENWORKER_INTERVAL", "often");
        Map<String, String> silenceBelowInterval = statusEnvironment();
        silenceBelowInterval.put("TOKENWORKER_STATUS_MAX_SILENCE", "PT10S");

        CommandLineRun interval = status(badInterval);
        CommandLineRun silence = status(silenceBelowInterval);

        assertThat(interval.exitCode()).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(interval.err()).contains("TOKENWORKER_INTERVAL: expected an ISO-8601 duration");
        assertThat(silence.exitCode()).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(silence.err()).contains("TOKENWORKER_STATUS_MAX_SILENCE: must exceed TOKENWORKER_INTERVAL");
    }

    @Test
    void statusWhenTheDatabaseUrlIsGivenAsAnOptionThenItWinsOverTheVariable() {
        worker.runOnce();
        Map<String, String> environment = statusEnvironment();
        environment.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/elsewhere");

        CommandLineRun result = status(environment, "--database-url=" + database.url());

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK.code());
    }

    @Test
    void statusWhenExecutionsIsOutOfRangeThenUsageErrorWithAnExample() {
        CommandLineRun zero = status(statusEnvironment(), "--executions=0");
        CommandLineRun word = status(statusEnvironment(), "--executions=many");

        assertThat(zero.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(zero.err().lines()).containsExactly("Invalid value for option '--executions': expected a whole "
                + "number from 1 to 100, got 0 (example: --executions=25)",
                "See 'fullscript-token-worker status --help' for the options.");
        assertThat(word.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(word.err().lines()).first().isEqualTo("Invalid value for option '--executions': expected a "
                + "whole number such as 10, got 'many'");
    }

    @Test
    void statusWhenMaxSilenceOptionIsWrongThenTheProblemNamesTheOption() {
        CommandLineRun result = status(statusEnvironment(), "--max-silence=3m");

        assertThat(result.exitCode()).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(result.err().lines()).containsExactly("invalid configuration:", "  - --max-silence: expected an "
                + "ISO-8601 duration from PT3S to PT24H, got '3m' (example: --max-silence=PT3M)");
    }

    @Test
    void statusWhenTheDatabaseHasNoSchemaThenExplainsAndCreatesNothing() throws Exception {
        DatabaseTarget empty = TestDatabase.freshDatabase();

        CommandLineRun result = status(environmentFor(empty));

        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(result.err()).contains("error: this database has no token worker schema (missing: "
                + "oauth_pending_code, oauth_token").contains("first start").doesNotContain("\tat ");
        try (Connection connection = DriverManager.getConnection(empty.url(), empty.username(), empty.password())) {
            var tables = connection.createStatement().executeQuery(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
            tables.next();
            assertThat(tables.getInt(1)).as("status must not migrate").isZero();
        }
    }

    private static Map<String, String> statusEnvironment() {
        return environmentFor(database);
    }

    private static Map<String, String> environmentFor(DatabaseTarget target) {
        Map<String, String> environment = new HashMap<>();
        environment.put("SPRING_DATASOURCE_URL", target.url());
        if (target.username() != null) {
            environment.put("SPRING_DATASOURCE_USERNAME", target.username());
        }
        if (target.password() != null) {
            environment.put("SPRING_DATASOURCE_PASSWORD", target.password());
        }
        return environment;
    }

    private static void insertFinishedCode(String status, Instant finishedAt, String lastError) {
        jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, region, redirect_uri, received_at, status, last_error,
                            finished_at)
                        VALUES (NULL, 'us', :redirectUri, :receivedAt, :status, :lastError, :finishedAt)
                        """)
                .param("redirectUri", REDIRECT_URI)
                .param("receivedAt", SqlTime.of(finishedAt.minus(Duration.ofMinutes(10))))
                .param("status", status)
                .param("lastError", lastError)
                .param("finishedAt", SqlTime.of(finishedAt))
                .update();
    }

    /** What a pod killed mid-run leaves behind: the execution and its step STARTED, never ended. */
    private static void leaveStartedAsAKilledPodWould(long executionId) {
        jdbc.sql("""
                        UPDATE batch_job_execution SET status = 'STARTED', exit_code = 'UNKNOWN', end_time = NULL
                        WHERE job_execution_id = :id""").param("id", executionId).update();
        jdbc.sql("""
                        UPDATE batch_step_execution SET status = 'STARTED', exit_code = 'EXECUTING', end_time = NULL
                        WHERE job_execution_id = :id""").param("id", executionId).update();
    }

    private static Instant lastStepWrite(long executionId) {
        List<LocalDateTime> writes = jdbc.sql("""
                        SELECT last_updated FROM batch_step_execution WHERE job_execution_id = :id
                        UNION ALL SELECT last_updated FROM batch_job_execution WHERE job_execution_id = :id""")
                .param("id", executionId)
                .query(LocalDateTime.class)
                .list();
        return writes.stream().max(LocalDateTime::compareTo).map(StatusCommandTest::batchInstant).orElseThrow();
    }

    /** Batch's LocalDateTimes are this JVM's wall clock. */
    private static Instant batchInstant(LocalDateTime batchTime) {
        return batchTime.atZone(ZoneId.systemDefault()).toInstant();
    }

    private static CommandLineRun status(Map<String, String> environment, String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "status";
        System.arraycopy(options, 0, args, 1, options.length);
        return CommandLineRun.execute(environment, clock, args);
    }
}
