package com.clinic.tokenworker.engine;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.UnlimitedBudget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database stops taking writes just as Fullscript grants a token: the write is tried again with backoff while
 * the lease lasts (the waits move the test's clock, nobody waits them out), and a grant that could not be kept is
 * named in the log and on the row, never silently dropped.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrantKeptThroughDatabaseOutageTest {

    private static final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final SettableClock clock = SettableClock.startingAt("2026-09-01T12:00:00Z");

    @Test
    void exchangeWhenTheDatabaseIsAwayForAFewSecondsThenTheTokenIsStoredAfterBackoff() {
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = start(fullscript)) {
            refuseTokenWrites(worker.jdbc(), 3);
            String code = fullscript.mintCode(REDIRECT_URI);
            long id = insertCode(worker.jdbc(), code, "us", clock.instant());

            worker.runOnce();

            assertThat(codeRow(worker.jdbc(), id)).containsEntry("status", "EXCHANGED");
            assertThat(waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(fullscript.timesCodeSent(code)).isEqualTo(1);
        }
    }

    @Test
    void exchangeWhenTheDatabaseIsAwayLongerThanTheLeaseThenWhatWasLostIsLoggedAndWrittenOnTheRow(
            CapturedOutput output) {
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = start(fullscript)) {
            refuseTokenWrites(worker.jdbc(), 1_000_000);
            String code = fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-lost-in-outage");
            long id = insertCode(worker.jdbc(), code, "us", clock.instant());

            worker.runOnce();

            Map<String, Object> row = codeRow(worker.jdbc(), id);
            assertThat(row).containsEntry("status", "FAILED").containsEntry("code", null);
            assertThat((String) row.get("last_error")).contains("could not be stored").contains("authorize again")
                    .contains("code row " + id).contains("Practitioner/prac-lost-in-outage")
                    .contains("X-Request-Id");
            assertThat(waits.stream().reduce(Duration.ZERO, Duration::plus))
                    .as("tried until the lease (PT15S) ended").isBetween(Duration.ofSeconds(10), Duration.ofSeconds(15));
            assertThat(output.getAll()).contains("LOST a token Fullscript granted: code row " + id)
                    .contains("prac-lost-in-outage").doesNotContain(code);
        }
    }

    private TestWorker start(FakeFullscriptServer fullscript) {
        waits.clear();
        return TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock,
                UnlimitedBudget.OVERRIDE, ClockMovingRetryTimer.class);
    }

    /** The first {@code times} writes of a token fail as a dropped connection does (SQLSTATE 08006). */
    private static void refuseTokenWrites(JdbcClient jdbc, int times) {
        jdbc.sql("CREATE SEQUENCE outage_attempts").update();
        jdbc.sql("""
                CREATE FUNCTION database_away() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF nextval('outage_attempts') <= %d THEN
                    RAISE EXCEPTION 'connection lost (simulated)' USING ERRCODE = '08006';
                  END IF;
                  RETURN NEW;
                END $$""".formatted(times)).update();
        jdbc.sql("CREATE TRIGGER database_away BEFORE INSERT OR UPDATE ON oauth_token "
                + "FOR EACH ROW EXECUTE FUNCTION database_away()").update();
    }

    /** Starts each retry at once after moving the worker's clock by its delay, and remembers each delay. */
    @Configuration(proxyBeanMethods = false)
    static class ClockMovingRetryTimer {

        @Bean
        RetryTimer retryTimer(Clock clock) {
            return (delay, task) -> {
                waits.add(delay);
                ((SettableClock) clock).advance(delay);
                task.run();
            };
        }
    }
}
