package com.clinic.tokenworker.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.cli.ExitCode;
import com.clinic.tokenworker.cli.FailureClassifier;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RegionCredentialsRejected;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.CommandLineRun;
import com.clinic.tokenworker.support.FreePort;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.TokenFixture;
import com.clinic.tokenworker.support.UnlimitedBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.annotation.Bean;

/**
 * Hole 8 (a wrong client secret found only when a user connects) and the status side of hole 7 (a wrong key is
 * silent): the job's first step checks each region's credentials and records the key ids it holds; status names
 * what is wrong without holding any secret.
 */
class VerifyCredentialsStepTest {

    private final SettableClock clock = new SettableClock(Instant.now());
    private DatabaseTarget database;
    private FakeFullscriptServer fullscript;

    @BeforeEach
    void start() {
        database = TestDatabase.freshDatabase();
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
    }

    @AfterEach
    void stop() {
        fullscript.close();
    }

    @Test
    void verifyWhenCredentialsAreRightThenAcceptedIsRecordedOncePerInterval() {
        try (TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            JobExecution first = worker.runOnce();
            long afterFirst = fullscript.tokenRequestCount();
            worker.runOnce();
            long afterSecond = fullscript.tokenRequestCount();
            clock.advance(Duration.ofMinutes(61));
            worker.runOnce();

            assertThat(step(first, "verifyCredentials").getExitStatus().getExitDescription())
                    .contains("us checked: ACCEPTED");
            assertThat(afterFirst).isEqualTo(1);
            assertThat(afterSecond).isEqualTo(1);
            assertThat(fullscript.tokenRequestCount()).isEqualTo(2);
            assertThat(check(worker)).containsEntry("outcome", "ACCEPTED").containsEntry("region", "us");
            assertThat((String) check(worker).get("request_id")).isNotBlank();
        }
    }

    @Test
    void verifyWhenTheCheckIsNotDueThenNoPermitIsAskedFor() {
        try (TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock,
                UnlimitedBudget.OVERRIDE, CountingBudgetConfiguration.class)) {
            CountingBudget budget = worker.bean(CountingBudget.class);
            worker.runOnce();
            int firstRun = budget.asked.getAndSet(0);

            JobExecution second = worker.runOnce();

            assertThat(step(second, "verifyCredentials").getExitStatus().getExitDescription())
                    .contains("us not checked: checked within");
            assertThat(budget.asked.get()).as("the other steps' asks, none for a check not due")
                    .isEqualTo(firstRun - 1);
        }
    }

    /** Passed as a source to one test's worker only, like BudgetReserveTest's: not picked up by the scan. */
    static class CountingBudgetConfiguration {

        @Bean
        CountingBudget requestBudget() {
            return new CountingBudget();
        }
    }

    static class CountingBudget implements RequestBudget {

        final AtomicInteger asked = new AtomicInteger();

        @Override
        public int acquireForExchanges(int wanted) {
            asked.incrementAndGet();
            return wanted;
        }

        @Override
        public int acquireForRefreshes(int wanted) {
            asked.incrementAndGet();
            return wanted;
        }

        @Override
        public void giveBack(int unused) {
        }
    }

    @Test
    void verifyWhenTheSecretIsWrongThenTheRegionIsHeldBackTheJobGoesOnAndStatusNamesTheRegion() {
        try (TestWorker worker = TestWorker.start(database, wrongSecret(), clock)) {
            long code = FullscriptFixture.insertCode(worker.jdbc(),
                    fullscript.mintCode(FullscriptFixture.REDIRECT_URI), "us", clock.instant());

            JobExecution run = worker.runOnce();

            assertThat(run.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(run.getExitStatus().getExitCode()).isEqualTo("CREDENTIALS_REJECTED");
            assertThat(FailureClassifier.classify(run.getAllFailureExceptions()))
                    .isEqualTo(ExitCode.CREDENTIALS_REJECTED);
            assertThat(run.getStepExecutions()).extracting(StepExecution::getStepName)
                    .containsExactly("verifyCredentials", "exchangeCodes", "flagExpiringTokens", "refreshTokens",
                            "revokeTokens", "purgeHistory");
            assertThat(step(run, "verifyCredentials").getExitStatus().getExitCode()).isEqualTo("CREDENTIALS_REJECTED");
            assertThat(step(run, "verifyCredentials").getExitStatus().getExitDescription())
                    .contains("us checked: REJECTED").contains("held back");
            assertThat(fullscript.tokenRequestCount()).as("the check's request only: the code is never sent")
                    .isEqualTo(1);
            assertThat(FullscriptFixture.codeRow(worker.jdbc(), code)).containsEntry("status", "PENDING")
                    .containsEntry("attempts", 0);
            assertThat(check(worker)).containsEntry("outcome", "REJECTED");
        }
        CommandLineRun status = status();

        assertThat(status.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(status.out()).contains("CREDENTIALS_REJECTED: region us: Fullscript refused the client credentials")
                .contains("FULLSCRIPT_US_CLIENT_SECRET")
                .doesNotContain("rotated-by-someone");
    }

    @Test
    void runWhenTheSameCredentialsWereJustRefusedThenNothingIsSentUntilTheRecheckAMinuteLater() {
        try (TestWorker worker = TestWorker.start(database, wrongSecret(), clock)) {
            worker.runOnce();
            FullscriptFixture.insertCode(worker.jdbc(), fullscript.mintCode(FullscriptFixture.REDIRECT_URI), "us",
                    clock.instant());
            clock.advance(Duration.ofSeconds(30));

            JobExecution soon = worker.runOnce();
            long afterSoon = fullscript.tokenRequestCount();
            clock.advance(Duration.ofSeconds(31));
            worker.runOnce();

            assertThat(soon.getExitStatus().getExitCode()).isEqualTo("CREDENTIALS_REJECTED");
            assertThat(step(soon, "verifyCredentials").getExitStatus().getExitDescription())
                    .contains("us not checked: checked within PT1H; these credentials were refused at");
            assertThat(afterSoon).as("no request while the refusal is fresh").isEqualTo(1);
            assertThat(fullscript.tokenRequestCount()).as("checked again a minute after the refusal, not an hour")
                    .isEqualTo(2);
        }
    }

    @Test
    void verifyWhenTheCredentialsAreFixedThenTheyAreCheckedAtOnceNotAfterTheInterval() {
        try (TestWorker wrong = TestWorker.start(database, wrongSecret(), clock)) {
            wrong.runOnce();
        }
        clock.advance(Duration.ofMinutes(1));

        try (TestWorker fixed = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            fixed.runOnce();

            assertThat(check(fixed)).containsEntry("outcome", "ACCEPTED");
        }
        // The refused run stays in the executions list with its exit code; the rule is gone.
        assertThat(status().out()).doesNotContain("! CREDENTIALS_REJECTED");
    }

    @Test
    void verifyWhenFullscriptCannotBeReachedThenUnreachableAndNoRefusalIsClaimed() {
        Map<String, String> environment = FullscriptFixture.environmentFor(fullscript);
        environment.put("FULLSCRIPT_US_BASE_URL", "http://127.0.0.1:" + FreePort.find());
        try (TestWorker worker = TestWorker.start(database, environment, clock)) {
            JobExecution run = worker.runOnce();

            assertThat(run.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(check(worker)).containsEntry("outcome", "UNREACHABLE");
            assertThat((String) check(worker).get("detail")).startsWith("connection failed");
        }
        assertThat(status().out()).doesNotContain("CREDENTIALS_REJECTED");
    }

    @Test
    void rejectedWhenTheWorkLoopPublishesTheRefusalThenStatusKnowsIt() {
        try (TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            worker.runOnce();

            worker.context().publishEvent(new RegionCredentialsRejected(Region.US, Optional.of("req-from-loop")));

            assertThat(check(worker)).containsEntry("outcome", "REJECTED").containsEntry("request_id", "req-from-loop");
        }
        assertThat(status().out()).contains("CREDENTIALS_REJECTED: region us").contains("req-from-loop");
    }

    @Test
    void statusWhenTokensAreSealedWithAKeyTheWorkerDoesNotHoldThenTheRuleNamesTheRowsAndKeyIds() {
        String oldKeyId;
        long tokenId;
        try (TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            tokenId = TokenFixture.authorize(worker, fullscript, "prac-key-1");
            oldKeyId = (String) TokenFixture.tokenRow(worker.jdbc(), tokenId).get("encryption_key_id");
        }
        String newKey = EncryptionKey.generate().toBase64();
        Map<String, String> wrongKey = FullscriptFixture.environmentFor(fullscript);
        wrongKey.put("TOKEN_ENCRYPTION_KEY", newKey);
        try (TestWorker worker = TestWorker.start(database, wrongKey, clock)) {
            worker.runOnce();
        }
        CommandLineRun withoutOldKey = status();

        Map<String, String> rotated = new HashMap<>(wrongKey);
        rotated.put("TOKEN_ENCRYPTION_PREVIOUS_KEYS", FullscriptFixture.KEY);
        try (TestWorker worker = TestWorker.start(database, rotated, clock)) {
            worker.runOnce();
        }
        CommandLineRun withOldKeyBack = status();

        assertThat(withoutOldKey.exitCode()).isEqualTo(ExitCode.ATTENTION_NEEDED.code());
        assertThat(withoutOldKey.out()).contains("UNDECRYPTABLE_TOKENS: 1 token(s)")
                .contains("key id " + oldKeyId)
                .contains("token id(s) " + tokenId)
                .contains("TOKEN_ENCRYPTION_PREVIOUS_KEYS")
                .doesNotContain(newKey).doesNotContain(FullscriptFixture.KEY);
        assertThat(withOldKeyBack.out()).doesNotContain("UNDECRYPTABLE_TOKENS");
    }

    private Map<String, String> wrongSecret() {
        Map<String, String> environment = FullscriptFixture.environmentFor(fullscript);
        environment.put("FULLSCRIPT_US_CLIENT_SECRET", "rotated-by-someone");
        return environment;
    }

    private static Map<String, Object> check(TestWorker worker) {
        return worker.jdbc().sql("SELECT * FROM oauth_credential_check WHERE region = 'us'").query().singleRow();
    }

    private static StepExecution step(JobExecution execution, String name) {
        return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst()
                .orElseThrow();
    }

    /** status as an operator runs it: the database only, no key and no Fullscript credentials. */
    private CommandLineRun status() {
        Map<String, String> environment = new HashMap<>();
        environment.put("SPRING_DATASOURCE_URL", database.url());
        if (database.username() != null) {
            environment.put("SPRING_DATASOURCE_USERNAME", database.username());
        }
        if (database.password() != null) {
            environment.put("SPRING_DATASOURCE_PASSWORD", database.password());
        }
        return CommandLineRun.execute(environment, clock, "status");
    }
}
