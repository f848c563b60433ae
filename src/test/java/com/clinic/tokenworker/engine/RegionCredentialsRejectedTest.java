package com.clinic.tokenworker.engine;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.ExitCode;
import com.clinic.tokenworker.cli.FailureClassifier;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RegionCredentialsRejected;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two regions, one of which has a wrong client secret: only that region waits; the other region's codes, refreshes
 * and revocations go on in the same run, and the run ends with the credentials exit code naming the region.
 */
class RegionCredentialsRejectedTest {

    /** Tokens live 2 h and the default margin is 20 min: this far after the exchange a token is due. */
    private static final Duration UNTIL_DUE = Duration.ofMinutes(101);

    private final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");

    @Test
    void runWhenOneRegionsCredentialsAreRejectedThenOnlyThatRegionWaitsAndTheRunEndsWithTheCredentialsCode() {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer us = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             FakeFullscriptServer ca = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> good = FullscriptFixture.environmentFor(us);
            good.put("FULLSCRIPT_CA_CLIENT_ID", ca.options().clientId());
            good.put("FULLSCRIPT_CA_CLIENT_SECRET", ca.options().clientSecret());
            good.put("FULLSCRIPT_CA_BASE_URL", ca.baseUrl().toString());
            long usToken;
            long caToken;
            long usRevoked;
            try (TestWorker setUp = TestWorker.start(database, good, clock)) {
                JdbcClient jdbc = setUp.jdbc();
                long usCode = insertCode(jdbc, us.mintCode(REDIRECT_URI, "Practitioner", "us-due"), "us",
                        clock.instant());
                long usLeaving = insertCode(jdbc, us.mintCode(REDIRECT_URI, "Practitioner", "us-leaving"), "us",
                        clock.instant());
                long caCode = insertCode(jdbc, ca.mintCode(REDIRECT_URI, "Practitioner", "ca-due"), "ca",
                        clock.instant());
                assertThat(setUp.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);
                usToken = (Long) codeRow(jdbc, usCode).get("token_id");
                usRevoked = (Long) codeRow(jdbc, usLeaving).get("token_id");
                caToken = (Long) codeRow(jdbc, caCode).get("token_id");
            }
            clock.advance(UNTIL_DUE);
            Map<String, String> wrongCaSecret = new java.util.HashMap<>(good);
            wrongCaSecret.put("FULLSCRIPT_CA_CLIENT_SECRET", "not-the-secret");
            try (TestWorker worker = TestWorker.start(database, wrongCaSecret, clock, Map.of(),
                    RejectionEvents.class)) {
                JdbcClient jdbc = worker.jdbc();
                jdbc.sql("UPDATE oauth_token SET status = 'REVOKE_REQUESTED' WHERE id = :id")
                        .param("id", usRevoked).update();
                long usCode = insertCode(jdbc, us.mintCode(REDIRECT_URI), "us", clock.instant());
                long caCode = insertCode(jdbc, ca.mintCode(REDIRECT_URI), "ca", clock.instant());
                long caRequestsBefore = ca.tokenRequestCount() + ca.revokeRequestCount();

                JobExecution execution = worker.runOnce();

                assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
                assertThat(execution.getExitStatus().getExitCode()).isEqualTo("CREDENTIALS_REJECTED");
                assertThat(execution.getExitStatus().getExitDescription()).contains("region ca");
                assertThat(FailureClassifier.classify(execution.getAllFailureExceptions()))
                        .isEqualTo(ExitCode.CREDENTIALS_REJECTED);
                assertThat(step(execution, "verifyCredentials").getExitStatus().getExitCode())
                        .isEqualTo("CREDENTIALS_REJECTED");
                assertThat(execution.getStepExecutions()).allSatisfy(s ->
                        assertThat(s.getStatus()).isEqualTo(BatchStatus.COMPLETED));

                assertThat(codeRow(jdbc, usCode)).containsEntry("status", "EXCHANGED");
                assertThat(tokenRow(jdbc, usToken)).containsEntry("status", "ACTIVE").containsEntry("version", 1L);
                assertThat(tokenRow(jdbc, usRevoked)).containsEntry("status", "REVOKED");

                assertThat(codeRow(jdbc, caCode)).containsEntry("status", "PENDING").containsEntry("attempts", 0)
                        .containsEntry("lease_owner", null);
                assertThat(tokenRow(jdbc, caToken)).containsEntry("status", "REFRESH_DUE")
                        .containsEntry("refresh_attempts", 0).containsEntry("lease_owner", null);
                assertThat(ca.tokenRequestCount() + ca.revokeRequestCount() - caRequestsBefore)
                        .as("verifyCredentials' refused request only: the region waits for the rest of the run")
                        .isEqualTo(1);
                assertThat(worker.bean(RejectionEvents.class).received)
                        .extracting(RegionCredentialsRejected::region).containsOnly(Region.CA);
            }
        }
    }

    /** Collects the events the run publishes, as the credential check's store does. */
    @Configuration(proxyBeanMethods = false)
    static class RejectionEvents {

        final List<RegionCredentialsRejected> received = new CopyOnWriteArrayList<>();

        @EventListener
        public void on(RegionCredentialsRejected event) {
            received.add(event);
        }
    }
}
