package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.demo.DemoMix;
import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import com.clinic.tokenworker.support.FreePort;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code demo} end to end, exactly as a newcomer runs it (its own embedded PostgreSQL, its own fake Fullscript
 * servers, the system clock), in a folder and on a port of its own. Its printed figures are then checked against
 * the database it leaves behind, opened again afterwards.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoCommandTest {

    private static final Pattern FIGURE = Pattern.compile("^  ([a-z][a-z ]+?)\\s{2,}(\\d+|-)\\s{2}", Pattern.MULTILINE);
    private static final Pattern STEP = Pattern.compile(
            "^  (\\w+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)  ", Pattern.MULTILINE);

    @TempDir
    Path dataDir;

    private Map<String, String> environment(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.toString());
        env.put("TOKENWORKER_EMBEDDED_PORT", String.valueOf(port));
        // A developer's real settings must not leak into the demo: these would fail it if they were used.
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.invalid:5432/production");
        env.put("FULLSCRIPT_US_BASE_URL", "https://api-us.fullscript.com");
        return env;
    }

    @Test
    void demoWhenRunTwiceThenEveryCodeSettlesAndEachSummaryMatchesTheDatabase(CapturedOutput output) {
        int port = FreePort.find();

        int first = Main.execute(environment(port), Clock.systemUTC(), "demo");
        int firstEnd = output.getOut().length();
        int second = Main.execute(environment(port), Clock.systemUTC(), "demo");

        assertThat(first).isZero();
        assertThat(second).isZero();
        String summary = output.getOut().substring(firstEnd);
        Map<String, String> figures = figures(summary);
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, port)) {
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database.target().url()));
            // The second run starts clean: only its own codes count, not 2 x the mix.
            assertThat(figures).containsEntry("codes inserted", String.valueOf(DemoMix.total(DemoMix.standard())));
            assertThat(figures).containsEntry("codes inserted", count(jdbc, "SELECT count(*) FROM oauth_pending_code"));
            assertThat(figures).containsEntry("exchanged", countCodes(jdbc, "EXCHANGED"))
                    .containsEntry("expired", countCodes(jdbc, "EXPIRED"))
                    .containsEntry("failed", countCodes(jdbc, "FAILED"))
                    .containsEntry("still waiting", count(jdbc,
                            "SELECT count(*) FROM oauth_pending_code WHERE status IN ('PENDING', 'EXCHANGING')"))
                    .containsEntry("retried", count(jdbc, "SELECT count(*) FROM oauth_pending_code WHERE attempts > 1"))
                    .containsEntry("tokens stored", count(jdbc, "SELECT count(*) FROM oauth_token"))
                    .containsEntry("tokens refreshed", count(jdbc, """
                            SELECT count(*) FROM oauth_token t JOIN oauth_pending_code c ON c.token_id = t.id
                            WHERE t.issued_at > c.finished_at"""));
            // Both runs' executions are in the job tables; the second summary counts its own.
            long executions = Long.parseLong(count(jdbc, "SELECT count(*) FROM batch_job_execution"));
            assertThat(Long.parseLong(figures.get("job executions"))).isPositive().isLessThan(executions);
            for (Map.Entry<String, List<Long>> step : steps(summary).entrySet()) {
                List<Long> fromTables = jdbc.sql("""
                                SELECT count(*), sum(s.read_count), sum(s.write_count), sum(s.filter_count)
                                FROM batch_step_execution s
                                WHERE s.step_name = :name AND s.job_execution_id IN (
                                    SELECT job_execution_id FROM batch_job_execution
                                    ORDER BY job_execution_id DESC LIMIT :executions)""")
                        .param("name", step.getKey())
                        .param("executions", Long.parseLong(figures.get("job executions")))
                        .query((rs, i) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                        .single();
                assertThat(step.getValue()).as(step.getKey()).isEqualTo(fromTables);
            }
            // And the mix did what it says: every case ended where it should.
            assertThat(figures).containsEntry("exchanged", "29").containsEntry("expired", "3")
                    .containsEntry("failed", "4").containsEntry("retried", "5").containsEntry("still waiting", "0");
            assertThat(jdbc.sql("SELECT last_error FROM oauth_pending_code WHERE status = 'FAILED' AND attempts = 2")
                    .query(String.class).single()).contains("response was lost");
            assertThat(count(jdbc, "SELECT count(*) FROM oauth_token WHERE region = 'ca'")).isEqualTo("8");
        }
        assertThat(summary).contains("exchangeCodes", "Where to look next", "jdbc:postgresql://localhost:" + port,
                "TOKENWORKER_EMBEDDED_DATA_DIR=" + dataDir + " TOKENWORKER_EMBEDDED_PORT=" + port
                        + " java -jar target/fullscript-token-worker.jar status");
        assertThat(output.getAll()).contains("demo ignores SPRING_DATASOURCE_URL, FULLSCRIPT_US_BASE_URL")
                .contains("DEMO key").contains("DEVELOPMENT only").doesNotContain("client-secret");
    }

    @Test
    void demoWhenTheFolderHoldsRowsOfAWebTierThenRefusesAndLeavesThemAlone(CapturedOutput output) {
        int port = FreePort.find();
        // The worker's schema first (any command creates it), then a web tier's row.
        Map<String, String> worker = environment(port);
        worker.remove("SPRING_DATASOURCE_URL");
        worker.put("FULLSCRIPT_US_CLIENT_ID", "id");
        worker.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
        worker.put("FULLSCRIPT_US_BASE_URL", "http://127.0.0.1:1");
        worker.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());
        assertThat(Main.execute(worker, Clock.systemUTC(), "run")).isZero();
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, port)) {
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database.target().url()));
            jdbc.sql("""
                    INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref)
                    VALUES ('a-real-code', 'us', 'https://clinic.example/cb', 'user-7')""").update();
        }

        int exit = Main.execute(environment(port), Clock.systemUTC(), "demo");

        assertThat(exit).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(output.getErr()).contains("TOKENWORKER_EMBEDDED_DATA_DIR").contains("did not create")
                .doesNotContain("\tat ");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, port)) {
            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database.target().url()));
            assertThat(jdbc.sql("SELECT status || ' ' || code FROM oauth_pending_code").query(String.class).list())
                    .containsExactly("PENDING a-real-code");
        }
    }

    private static Map<String, String> figures(String summary) {
        Map<String, String> figures = new HashMap<>();
        Matcher m = FIGURE.matcher(summary);
        while (m.find()) {
            figures.putIfAbsent(m.group(1), m.group(2));
        }
        return figures;
    }

    private static Map<String, List<Long>> steps(String summary) {
        Map<String, List<Long>> steps = new HashMap<>();
        Matcher m = STEP.matcher(summary);
        while (m.find()) {
            steps.put(m.group(1), List.of(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5))));
        }
        assertThat(steps).containsKey("exchangeCodes");
        return steps;
    }

    private static String countCodes(JdbcClient jdbc, String status) {
        return String.valueOf(jdbc.sql("SELECT count(*) FROM oauth_pending_code WHERE status = :status")
                .param("status", status).query(Long.class).single());
    }

    private static String count(JdbcClient jdbc, String sql) {
        return String.valueOf(jdbc.sql(sql).query(Long.class).single());
    }
}
