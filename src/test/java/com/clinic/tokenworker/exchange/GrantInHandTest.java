package com.clinic.tokenworker.exchange;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static com.clinic.tokenworker.support.TokenFixture.authorize;
import static com.clinic.tokenworker.support.TokenFixture.instant;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Once Fullscript has answered 2xx the code is used (or the refresh token rotated): whatever is odd about the
 * answer, or about storing it, the row ends in a final, truthful state and the job goes on.
 */
class GrantInHandTest {

    private final SettableClock clock = SettableClock.startingAt("2026-09-01T12:00:00Z");

    @Test
    void exchangeWhenGrantHasNoRefreshTokenThenFailedSayingSoAndTheJobGoesOn() throws IOException {
        String body = """
                {"oauth":{"access_token":"at-1","token_type":"Bearer","expires_in":7200,"scope":"catalog:read",
                "created_at":"2026-09-01T12:00:00.000Z","resource_owner":{"id":"p-1","type":"Practitioner"}}}""";
        try (Canned fullscript = Canned.answering(body); TestWorker worker = start(fullscript.env())) {
            long id = insertCode(worker.jdbc(), "code-1", "us", clock.instant());

            JobExecution execution = worker.runOnce();

            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(codeRow(worker.jdbc(), id)).containsEntry("status", "FAILED").containsEntry("code", null);
            assertThat((String) codeRow(worker.jdbc(), id).get("last_error")).contains("without a refresh_token");
        }
    }

    @Test
    void exchangeWhenLifetimeAndCreationTimeAreUnusableThenStoredWithTheDocumentedLifetimeFromReceipt()
            throws IOException {
        String body = """
                {"oauth":{"access_token":"at-2","refresh_token":"rt-2","expires_in":9223372036854775807,
                "created_at":"+300000-01-01T00:00:00Z","resource_owner":{"id":"p-2","type":"Staff"}}}""";
        try (Canned fullscript = Canned.answering(body); TestWorker worker = start(fullscript.env())) {
            long id = insertCode(worker.jdbc(), "code-2", "us", clock.instant());

            worker.runOnce();

            assertThat(codeRow(worker.jdbc(), id)).containsEntry("status", "EXCHANGED");
            Map<String, Object> token = worker.jdbc().sql("SELECT * FROM oauth_token").query().singleRow();
            assertThat(instant(token.get("issued_at"))).isEqualTo(clock.instant());
            assertThat(instant(token.get("expires_at"))).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        }
    }

    @Test
    void exchangeWhenATokenCarriesANulThenNotStoredButRetried() throws IOException {
        String body = """
                {"oauth":{"access_token":"at\\u0000x","refresh_token":"rt-3","expires_in":7200,
                "created_at":"2026-09-01T12:00:00Z","resource_owner":{"id":"p-3","type":"Staff"}}}""";
        try (Canned fullscript = Canned.answering(body); TestWorker worker = start(fullscript.env())) {
            long id = insertCode(worker.jdbc(), "code-3", "us", clock.instant());

            assertThat(worker.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);

            assertThat(codeRow(worker.jdbc(), id)).containsEntry("status", "PENDING");
            assertThat((String) codeRow(worker.jdbc(), id).get("last_error")).contains("access_token");
        }
    }

    @Test
    void exchangeWhenTheTokenCannotBeStoredThenFailedFinalAndTheJobGoesOn() {
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = start(FullscriptFixture.environmentFor(fullscript))) {
            refuseWrites(worker.jdbc(), "INSERT");
            String code = fullscript.mintCode(REDIRECT_URI);
            long id = insertCode(worker.jdbc(), code, "us", clock.instant());

            JobExecution execution = worker.runOnce();

            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(codeRow(worker.jdbc(), id)).containsEntry("status", "FAILED").containsEntry("code", null);
            assertThat((String) codeRow(worker.jdbc(), id).get("last_error"))
                    .contains("could not be stored").contains("authorize again").doesNotContain(code);
            assertThat(fullscript.timesCodeSent(code)).isEqualTo(1);
            StepExecution step = execution.getStepExecutions().stream()
                    .filter(s -> s.getStepName().equals("exchangeCodes")).findFirst().orElseThrow();
            assertThat(step.getWriteCount()).as("not counted as exchanged").isZero();
            assertThat(step.getExecutionContext().getLong("exchange.failed")).isEqualTo(1);
        }
    }

    @Test
    void refreshWhenTheNewTokensCannotBeStoredThenReauthRequiredAtOnce() {
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = start(FullscriptFixture.environmentFor(fullscript))) {
            long id = authorize(worker, fullscript, "prac-unstorable");
            refuseWrites(worker.jdbc(), "UPDATE");
            clock.advance(Duration.ofMinutes(101));

            JobExecution execution = worker.runOnce();

            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            Map<String, Object> row = tokenRow(worker.jdbc(), id);
            assertThat(row).containsEntry("status", "REAUTH_REQUIRED");
            assertThat((String) row.get("last_error")).contains("could not be stored");
        }
    }

    private TestWorker start(Map<String, String> env) {
        return TestWorker.start(TestDatabase.freshDatabase(), env, clock);
    }

    /** A database that refuses to store new token values, as a full disk or a broken constraint would. */
    private static void refuseWrites(JdbcClient jdbc, String operation) {
        jdbc.sql("""
                CREATE FUNCTION refuse_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'INSERT' OR NEW.access_token_ciphertext IS DISTINCT FROM OLD.access_token_ciphertext THEN
                    RAISE EXCEPTION 'disk full (simulated)';
                  END IF;
                  RETURN NEW;
                END $$""").update();
        jdbc.sql("CREATE TRIGGER refuse_tokens BEFORE " + operation + " ON oauth_token "
                + "FOR EACH ROW EXECUTE FUNCTION refuse_tokens()").update();
    }

    /** A token endpoint that always gives the same 2xx answer. */
    private record Canned(HttpServer server) implements AutoCloseable {

        static Canned answering(String body) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return new Canned(server);
        }

        Map<String, String> env() {
            Map<String, String> env = new HashMap<>();
            env.put("FULLSCRIPT_US_CLIENT_ID", "id");
            env.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
            env.put("FULLSCRIPT_US_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
            env.put("TOKEN_ENCRYPTION_KEY", FullscriptFixture.KEY);
            return env;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
