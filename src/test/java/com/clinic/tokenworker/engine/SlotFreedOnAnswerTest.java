package com.clinic.tokenworker.engine;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 8: a call slot is free again as soon as its call is answered, while that row is still being recorded; a
 * slot held for the database write would leave Fullscript idle for that long on every call. Here the recording of
 * the first code is held up by a row lock: with one slot, the second code must still be sent meanwhile.
 */
class SlotFreedOnAnswerTest {

    @Test
    void loopWhenARowIsStillBeingRecordedThenItsSlotAlreadyCallsTheNextRow() throws Exception {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(),
                Clock.systemUTC())) {
            Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
            env.put("TOKENWORKER_CONCURRENCY", "1");
            try (TestWorker worker = TestWorker.start(database, env, Clock.systemUTC())) {
                worker.runOnce();
                JdbcClient jdbc = worker.jdbc();
                String first = fullscript.mintCode(REDIRECT_URI);
                String second = fullscript.mintCode(REDIRECT_URI);
                long firstId = FullscriptFixture.insertCode(jdbc, first, "us", Clock.systemUTC().instant());
                long secondId = FullscriptFixture.insertCode(jdbc, second, "us",
                        Clock.systemUTC().instant().plusSeconds(1));
                // Long enough to take the row lock after the claim and before the answer is recorded.
                fullscript.setLatency(Duration.ofMillis(1500));

                CompletableFuture<JobExecution> run = CompletableFuture.supplyAsync(worker::runOnce);
                try (Connection lock = DriverManager.getConnection(database.url(), database.username(),
                        database.password())) {
                    lock.setAutoCommit(false);
                    await().atMost(Duration.ofSeconds(10)).until(() -> "EXCHANGING".equals(
                            FullscriptFixture.codeRow(jdbc, firstId).get("status")));
                    try (PreparedStatement forUpdate = lock.prepareStatement(
                            "SELECT id FROM oauth_pending_code WHERE id = ? FOR UPDATE")) {
                        forUpdate.setLong(1, firstId);
                        forUpdate.executeQuery().close();
                    }

                    await().atMost(Duration.ofSeconds(5)).until(() -> fullscript.timesCodeSent(second) == 1);
                    assertThat(FullscriptFixture.codeRow(jdbc, firstId)).as("still being recorded")
                            .containsEntry("status", "EXCHANGING");
                    lock.rollback();
                }
                run.get();

                assertThat(FullscriptFixture.codeRow(jdbc, firstId)).containsEntry("status", "EXCHANGED");
                assertThat(FullscriptFixture.codeRow(jdbc, secondId)).containsEntry("status", "EXCHANGED");
                assertThat(fullscript.timesCodeSent(first)).isOne();
            }
        }
    }
}
