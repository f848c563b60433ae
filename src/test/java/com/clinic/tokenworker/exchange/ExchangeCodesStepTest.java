package com.clinic.tokenworker.exchange;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.Fault;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every outcome of the exchange, end to end: real PostgreSQL, the real job, a stateful fake Fullscript. */
@ExtendWith(OutputCaptureExtension.class)
class ExchangeCodesStepTest {

    private static final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock);
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
        jdbc.sql("UPDATE tokenworker_throttle SET paused_until = 'epoch'").update();
        fullscript.clearFaults();
        clock.advance(Duration.ofHours(1));
    }

    @Test
    void exchangeWhenCodeIsValidThenTokenIsStoredEncryptedAndTheCodeWiped() {
        String code = fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-1");
        long id = insertCode(jdbc, code, "us", clock.instant());

        JobExecution execution = worker.runOnce();

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, Object> row = codeRow(jdbc, id);
        assertThat(row.get("status")).isEqualTo("EXCHANGED");
        assertThat(row.get("code")).isNull();
        assertThat(row.get("token_id")).isNotNull();
        Map<String, Object> token = jdbc.sql("SELECT * FROM oauth_token WHERE id = :id")
                .param("id", row.get("token_id")).query().singleRow();
        assertThat(token).containsEntry("status", "ACTIVE").containsEntry("resource_owner_id", "prac-1")
                .containsEntry("resource_owner_type", "Practitioner").containsEntry("region", "us");
        Instant issuedAt = instant(token.get("issued_at"));
        assertThat(instant(token.get("expires_at"))).isEqualTo(issuedAt.plusSeconds(7200));
        String access = worker.bean(TokenCipher.class).decrypt((byte[]) token.get("access_token_ciphertext"),
                (String) token.get("encryption_key_id"),
                new TokenBinding("us", "Practitioner", "prac-1", TokenField.ACCESS_TOKEN));
        String refresh = worker.bean(TokenCipher.class).decrypt((byte[]) token.get("refresh_token_ciphertext"),
                (String) token.get("encryption_key_id"),
                new TokenBinding("us", "Practitioner", "prac-1", TokenField.REFRESH_TOKEN));
        assertThat(fullscript.isAccessTokenActive(access)).isTrue();
        assertThat(fullscript.isRefreshTokenActive(refresh)).isTrue();
        assertThat(new String((byte[]) token.get("access_token_ciphertext"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(access);
        StepExecution step = exchangeStep(execution);
        assertThat(step.getReadCount()).isEqualTo(1);
        assertThat(step.getWriteCount()).isEqualTo(1);
        assertThat(step.getExitStatus().getExitDescription()).contains("exchanged=1");
    }

    @Test
    void exchangeWhenCodeIsPastDeadlineThenExpiresWithoutCall() {
        String code = fullscript.mintCode(REDIRECT_URI);
        long id = insertCode(jdbc, code, "us", clock.instant().minus(Duration.ofMinutes(10)));

        JobExecution execution = worker.runOnce();

        assertThat(codeRow(jdbc, id)).containsEntry("status", "EXPIRED").containsEntry("code", null);
        assertThat((String) codeRow(jdbc, id).get("last_error")).contains("deadline");
        assertThat(fullscript.timesCodeSent(code)).isZero();
        assertThat(exchangeStep(execution).getExecutionContext().getLong("exchange.expired")).isEqualTo(1);
    }

    @Test
    void exchangeWhenCodeHasOneSecondLeftThenItIsStillSent() {
        String code = fullscript.mintCode(REDIRECT_URI);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        long id = insertCode(jdbc, code, "us", clock.instant().minus(Duration.ofMinutes(10).minusSeconds(1)));

        worker.runOnce();

        assertThat(codeRow(jdbc, id)).containsEntry("status", "EXCHANGED");
    }

    @Test
    void exchangeWhenFullscriptSaysInvalidGrantThenFailedWithoutRetry() {
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.InvalidGrant(), 1);
        long id = insertCode(jdbc, code, "us", clock.instant());

        worker.runOnce();
        clock.advance(Duration.ofMinutes(1));
        worker.runOnce();

        Map<String, Object> row = codeRow(jdbc, id);
        assertThat(row).containsEntry("status", "FAILED").containsEntry("code", null);
        assertThat((String) row.get("last_error")).contains("invalid_grant").contains("X-Request-Id");
        assertThat(row.get("last_request_id")).isNotNull();
        assertThat(fullscript.timesCodeSent(code)).isEqualTo(1);
    }

    @Test
    void exchangeWhenServerErrorsThenRetriesWithBackoffAndSucceeds() {
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.ServerError(503), 2);
        long id = insertCode(jdbc, code, "us", clock.instant());

        JobExecution first = worker.runOnce();
        assertThat(codeRow(jdbc, id)).containsEntry("status", "PENDING").containsEntry("attempts", 1);
        assertThat((String) codeRow(jdbc, id).get("last_error")).isEqualTo("HTTP 503");
        assertThat(exchangeStep(first).getExecutionContext().getLong("exchange.retried")).isEqualTo(1);

        worker.runOnce();
        assertThat(fullscript.timesCodeSent(code)).as("not due again before its backoff").isEqualTo(1);

        clock.advance(RetryPolicy.backoff(1));
        worker.runOnce();
        clock.advance(RetryPolicy.backoff(2));
        worker.runOnce();

        assertThat(codeRow(jdbc, id)).containsEntry("status", "EXCHANGED").containsEntry("attempts", 3);
        assertThat(fullscript.timesCodeSent(code)).isEqualTo(3);
    }

    @Test
    void exchangeWhenServerKeepsFailingThenExpiresAtTheDeadline() {
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.ServerError(500), 1000);
        long id = insertCode(jdbc, code, "us", clock.instant());

        for (int minute = 0; minute <= 11; minute++) {
            worker.runOnce();
            clock.advance(Duration.ofMinutes(1));
        }

        Map<String, Object> row = codeRow(jdbc, id);
        assertThat(row).containsEntry("status", "EXPIRED").containsEntry("code", null);
        assertThat((String) row.get("last_error")).contains("deadline").contains("HTTP 500");
        assertThat(fullscript.timesCodeSent(code)).isBetween(5, 20);
    }

    @Test
    void exchangeWhenRateLimitedThenEveryCallPausesUntilRetryAfter() {
        String first = fullscript.mintCode(REDIRECT_URI);
        String second = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(first, new Fault.RateLimited(Duration.ofSeconds(40)), 1);
        long firstId = insertCode(jdbc, first, "us", clock.instant());

        worker.runOnce();
        long secondId = insertCode(jdbc, second, "us", clock.instant());
        clock.advance(Duration.ofSeconds(20));
        JobExecution paused = worker.runOnce();

        assertThat(codeRow(jdbc, firstId)).containsEntry("status", "PENDING");
        assertThat(codeRow(jdbc, secondId)).containsEntry("status", "PENDING");
        assertThat(fullscript.timesCodeSent(second)).as("no call while paused").isZero();
        assertThat(exchangeStep(paused).getExitStatus().getExitDescription()).contains("429");

        clock.advance(Duration.ofSeconds(21));
        worker.runOnce();

        assertThat(codeRow(jdbc, firstId)).containsEntry("status", "EXCHANGED");
        assertThat(codeRow(jdbc, secondId)).containsEntry("status", "EXCHANGED");
    }

    @Test
    void exchangeWhenResponseIsLostThenTheRetryEndsFailedWithAReadableReason() {
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.LostResponse(), 1);
        long id = insertCode(jdbc, code, "us", clock.instant());

        worker.runOnce();
        assertThat(codeRow(jdbc, id)).containsEntry("status", "PENDING");
        clock.advance(Duration.ofSeconds(6));
        worker.runOnce();

        Map<String, Object> row = codeRow(jdbc, id);
        assertThat(row).containsEntry("status", "FAILED");
        assertThat((String) row.get("last_error")).contains("invalid_grant").contains("response was lost")
                .contains("authorize again");
        assertThat(fullscript.timesCodeSent(code)).isEqualTo(2);
    }

    @Test
    void exchangeWhenBodyIsGarbageOrOversizedThenRetried() {
        String garbled = fullscript.mintCode(REDIRECT_URI);
        String huge = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(garbled, new Fault.GarbageBody(), 1);
        fullscript.faultForCode(huge, new Fault.OversizedBody(5_000_000), 1);
        long garbledId = insertCode(jdbc, garbled, "us", clock.instant());
        long hugeId = insertCode(jdbc, huge, "us", clock.instant());

        worker.runOnce();

        assertThat(codeRow(jdbc, garbledId)).containsEntry("status", "PENDING");
        assertThat((String) codeRow(jdbc, garbledId).get("last_error")).contains("not JSON");
        assertThat(codeRow(jdbc, hugeId)).containsEntry("status", "PENDING");
        assertThat((String) codeRow(jdbc, hugeId).get("last_error")).contains("larger than");
    }

    @Test
    void exchangeWhenResponseIsSlowerThanTheTimeoutThenRetried() {
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.Slow(Duration.ofSeconds(4)), 1);
        long id = insertCode(jdbc, code, "us", clock.instant());

        worker.runOnce();

        assertThat(codeRow(jdbc, id)).containsEntry("status", "PENDING");
        assertThat((String) codeRow(jdbc, id).get("last_error")).contains("PT2S");
    }

    @Test
    void exchangeWhenTheBodyTricklesPastTheTimeoutThenTheCallEndsAtTheTimeoutAndIsRetriedAsOutcomeUnknown() {
        // The headers come at once, so only the client's own body deadline can end this call at the timeout.
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.Trickle(4, Duration.ofMillis(200)), 1);
        long id = insertCode(jdbc, code, "us", clock.instant());

        worker.runOnce();

        Map<String, Object> row = codeRow(jdbc, id);
        assertThat(row).containsEntry("status", "PENDING");
        assertThat((String) row.get("last_error")).startsWith("outcome unknown")
                .contains("no complete response within PT2S");
    }

    @Test
    void exchangeWhenTheLastCallTimedOutThenTheExpiredReasonSaysTheOutcomeIsUnknown() {
        String code = fullscript.mintCode(REDIRECT_URI);
        fullscript.faultForCode(code, new Fault.Slow(Duration.ofSeconds(4)), 1);
        long id = insertCode(jdbc, code, "us", clock.instant());

        worker.runOnce();
        clock.advance(Duration.ofMinutes(11));
        worker.runOnce();

        Map<String, Object> row = codeRow(jdbc, id);
        assertThat(row).containsEntry("status", "EXPIRED");
        assertThat((String) row.get("last_error")).startsWith("outcome unknown")
                .contains("may have used the code").contains("PT2S").doesNotContain("not exchanged");
        assertThat(fullscript.timesCodeSent(code)).isEqualTo(1);
    }

    @Test
    void exchangeWhenRowIsForADisabledRegionThenFailedAndTheJobGoesOn() {
        // An unknown region no longer reaches the worker: V11 refuses it at the insert (CodeIntakeRulesTest).
        String good = fullscript.mintCode(REDIRECT_URI);
        long goodId = insertCode(jdbc, good, "us", clock.instant());
        long canadian = insertCode(jdbc, "ca-code", "ca", clock.instant());

        JobExecution execution = worker.runOnce();

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(codeRow(jdbc, goodId)).containsEntry("status", "EXCHANGED");
        assertThat(codeRow(jdbc, canadian)).containsEntry("status", "FAILED").containsEntry("code", null);
        assertThat((String) codeRow(jdbc, canadian).get("last_error"))
                .contains("FULLSCRIPT_CA_CLIENT_ID").contains("FULLSCRIPT_CA_CLIENT_SECRET");
        assertThat(fullscript.timesCodeSent("ca-code")).isZero();
    }

    @Test
    void exchangeWhenSameUserAuthorizesAgainThenTheTokenIsReplacedInPlace() {
        String first = fullscript.mintCode(REDIRECT_URI, "Staff", "staff-7");
        long firstId = insertCode(jdbc, first, "us", clock.instant());
        worker.runOnce();
        clock.advance(Duration.ofMinutes(1));
        String second = fullscript.mintCode(REDIRECT_URI, "Staff", "staff-7");
        long secondId = insertCode(jdbc, second, "us", clock.instant());
        worker.runOnce();

        assertThat(jdbc.sql("SELECT count(*) FROM oauth_token").query(Long.class).single()).isEqualTo(1);
        assertThat(codeRow(jdbc, secondId).get("token_id")).isEqualTo(codeRow(jdbc, firstId).get("token_id"));
        Map<String, Object> token = jdbc.sql("SELECT * FROM oauth_token").query().singleRow();
        assertThat(token.get("version")).isEqualTo(1L);
        assertThat(instant(token.get("issued_at"))).isEqualTo(clock.instant());
    }

    @Test
    void exchangeWhenSeveralCodesAreDueThenTheirCallsAreInFlightAtOnce() throws Exception {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String code = fullscript.mintCode(REDIRECT_URI);
            fullscript.faultForCode(code, new Fault.Slow(Duration.ofSeconds(5)), 1);
            codes.add(code);
            insertCode(jdbc, code, "us", clock.instant());
        }
        CompletableFuture<JobExecution> run = CompletableFuture.supplyAsync(worker::runOnce);

        // One at a time, the second call would only start after the first one's 5 s; the margin is for a loaded
        // machine, where starting eight calls can take a second or more.
        await().atMost(Duration.ofSeconds(4))
                .until(() -> codes.stream().allMatch(code -> fullscript.timesCodeSent(code) == 1));
        assertThat(run.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void exchangeNeverWritesACodeTokenOrSecretToLogsErrorsOrJobTables(CapturedOutput output) {
        String lost = fullscript.mintCode(REDIRECT_URI);
        String rejected = fullscript.mintCode(REDIRECT_URI);
        String good = fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-log");
        fullscript.faultForCode(lost, new Fault.LostResponse(), 1);
        fullscript.faultForCode(rejected, new Fault.InvalidGrant(), 1);
        insertCode(jdbc, lost, "us", clock.instant());
        insertCode(jdbc, rejected, "us", clock.instant());
        insertCode(jdbc, good, "us", clock.instant());

        worker.runOnce();
        clock.advance(Duration.ofSeconds(6));
        worker.runOnce();

        String everything = output.getAll()
                + jdbc.sql("SELECT string_agg(coalesce(last_error, ''), ' ') FROM oauth_pending_code")
                .query(String.class).single()
                + jdbc.sql("SELECT string_agg(coalesce(exit_message, ''), ' ') FROM batch_step_execution")
                .query(String.class).single()
                + jdbc.sql("SELECT string_agg(short_context || coalesce(serialized_context, ''), ' ') "
                        + "FROM batch_step_execution_context").query(String.class).single()
                + jdbc.sql("SELECT string_agg(parameter_value, ' ') FROM batch_job_execution_params")
                .query(String.class).single();
        assertThat(everything).doesNotContain(lost).doesNotContain(rejected).doesNotContain(good)
                .doesNotContain(fullscript.options().clientSecret());
    }

    private static Instant instant(Object timestamp) {
        return timestamp instanceof OffsetDateTime odt ? odt.toInstant() : ((java.sql.Timestamp) timestamp).toInstant();
    }

    private static StepExecution exchangeStep(JobExecution execution) {
        return execution.getStepExecutions().stream()
                .filter(s -> s.getStepName().equals("exchangeCodes"))
                .findFirst()
                .orElseThrow();
    }
}
