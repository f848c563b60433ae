package com.clinic.tokenworker.schema;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.ExitCode;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.CommandLineRun;
import com.clinic.tokenworker.support.Documentation;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;

/**
 * sql/roles/least_privilege.sql applied as an administrator would, after the worker migrated the database, then
 * each role tried through a LOGIN that holds nothing else.
 */
class LeastPrivilegeRolesTest {

    private static final Path SCRIPT = Path.of("sql/roles/least_privilege.sql");
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String WEB = "web_" + SUFFIX;
    private static final String APP = "app_" + SUFFIX;
    private static final String MONITOR = "monitor_" + SUFFIX;
    private static final String WORKER = "worker_" + SUFFIX;

    private static final SettableClock clock = new SettableClock(Instant.now());
    private static DatabaseTarget admin;
    private static FakeFullscriptServer fullscript;
    private static TestWorker migratingWorker;

    @BeforeAll
    static void migrateThenApplyTheScriptTwice() throws SQLException {
        admin = TestDatabase.freshDatabase();
        assumeTrue(canCreateRoles(admin), "the test database user lacks CREATEROLE");
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        migratingWorker = TestWorker.start(admin, FullscriptFixture.environmentFor(fullscript), clock);
        insertCode(migratingWorker.jdbc(), fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-1"), "us",
                clock.instant());
        assertThat(migratingWorker.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);

        applyScript(admin);
        applyScript(admin);
        try (Connection connection = connect(admin); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + WEB + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE tokenworker_web");
            statement.execute("CREATE ROLE " + APP + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE tokenworker_app");
            statement.execute("CREATE ROLE " + MONITOR + " LOGIN PASSWORD '" + PASSWORD
                    + "' IN ROLE tokenworker_monitor");
            statement.execute("CREATE ROLE " + WORKER + " LOGIN PASSWORD '" + PASSWORD
                    + "' IN ROLE tokenworker_worker");
        }
    }

    @AfterAll
    static void stop() {
        if (migratingWorker != null) {
            migratingWorker.close();
            fullscript.close();
        }
    }

    @Test
    void webTierWhenInsertingACodeTwiceThenTheSecondIsIgnoredAndItsStatusReadable() throws SQLException {
        try (Connection web = connectAs(WEB)) {
            String insert = """
                    INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref, received_at)
                    VALUES ('web-code-1', 'us', ?, 'user-1', now())
                    ON CONFLICT (code) WHERE code IS NOT NULL DO NOTHING""";
            assertThat(update(web, insert)).isEqualTo(1);
            assertThat(update(web, insert)).isZero();
            assertThat(single(web, "SELECT status FROM oauth_pending_code WHERE code = 'web-code-1'"))
                    .isEqualTo("PENDING");
            assertThat(single(web, "SELECT status FROM oauth_token WHERE resource_owner_id = 'prac-1'"))
                    .isEqualTo("ACTIVE");
        }
    }

    @Test
    void webTierWhenReachingForTokensOrWorkerColumnsThenPermissionDenied() throws SQLException {
        try (Connection web = connectAs(WEB)) {
            assertDenied(web, "SELECT access_token_ciphertext FROM oauth_token");
            assertDenied(web, "SELECT refresh_token_ciphertext FROM oauth_token");
            assertDenied(web, "SELECT * FROM oauth_token");
            assertDenied(web, "UPDATE oauth_pending_code SET status = 'FAILED'");
            assertDenied(web, "DELETE FROM oauth_pending_code");
            assertDenied(web, "INSERT INTO oauth_pending_code (code, region, redirect_uri, status) "
                    + "VALUES ('web-code-2', 'us', 'https://x.example/cb', 'EXCHANGED')");
            assertDenied(web, "UPDATE oauth_token SET status = 'REVOKE_REQUESTED'");
            assertDenied(web, "SELECT count(*) FROM batch_job_execution");
            assertDenied(web, "SELECT * FROM tokenworker_health");
        }
    }

    @Test
    void appWhenUsingTokensThenReadsCiphertextsAndMayOnlyStampUseAndRequestRevocation() throws SQLException {
        try (Connection app = connectAs(APP)) {
            assertThat(single(app, "SELECT length(access_token_ciphertext)::text FROM oauth_token "
                    + "WHERE resource_owner_id = 'prac-1'")).isNotNull();
            assertThat(update(app, "UPDATE oauth_token SET last_used_at = now(), updated_at = now() "
                    + "WHERE resource_owner_id = 'prac-1'")).isEqualTo(1);
            assertDenied(app, "UPDATE oauth_token SET access_token_ciphertext = NULL");
            assertDenied(app, "DELETE FROM oauth_token");
            assertDenied(app, "INSERT INTO oauth_pending_code (code, region, redirect_uri) "
                    + "VALUES ('app-code', 'us', 'https://x.example/cb')");
            assertDenied(app, "SELECT count(*) FROM batch_job_execution");
        }
    }

    @Test
    void monitorWhenRunningStatusThenItReportsWithoutSeeingCodesOrTokens() throws SQLException {
        Map<String, String> environment = Map.of("SPRING_DATASOURCE_URL", urlWithoutUser(),
                "SPRING_DATASOURCE_USERNAME", MONITOR, "SPRING_DATASOURCE_PASSWORD", PASSWORD);

        CommandLineRun status = CommandLineRun.execute(environment, clock, "status", "--json");

        assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCode.OK.code());
        assertThat(status.out()).contains("\"healthy\" : true");
        try (Connection monitor = connectAs(MONITOR)) {
            assertThat(single(monitor, "SELECT waiting_codes::text FROM tokenworker_health")).isNotNull();
            assertDenied(monitor, "SELECT code FROM oauth_pending_code");
            assertDenied(monitor, "SELECT access_token_ciphertext FROM oauth_token");
            assertDenied(monitor, "SELECT refresh_token_ciphertext FROM oauth_grant_revocation");
            assertThat(single(monitor, "SELECT count(id)::text FROM oauth_grant_revocation")).isNotNull();
            assertDenied(monitor, "UPDATE tokenworker_throttle SET reason = 'x'");
        }
    }

    @Test
    void workerWhenItsLoginOnlyHoldsTheWorkerRoleThenTheJobRuns() {
        DatabaseTarget asWorker = new DatabaseTarget(urlWithoutUser(), WORKER, PASSWORD);
        try (TestWorker worker = TestWorker.start(asWorker, FullscriptFixture.environmentFor(fullscript), clock)) {
            long id = insertCode(worker.jdbc(), fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-2"), "us",
                    clock.instant());

            assertThat(worker.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);

            assertThat(FullscriptFixture.codeRow(worker.jdbc(), id)).containsEntry("status", "EXCHANGED");
        }
    }

    @Test
    void scriptWhenTheSchemaIsMissingThenStopsWithAHintAndCreatesNothing() {
        DatabaseTarget empty = TestDatabase.freshDatabase();

        assertThatThrownBy(() -> applyScript(empty)).isInstanceOf(SQLException.class)
                .hasMessageContaining("the token worker schema is not in database");
    }

    @Test
    void scriptWhenAppliedWithTheDocumentedPsqlCommandThenSucceedsAgain() throws Exception {
        assumeTrue(onPath("psql"), "psql is not installed");
        URI jdbc = URI.create(urlWithoutUser().substring("jdbc:".length()));
        String libpqUrl = "postgresql://" + admin.username() + "@" + jdbc.getHost() + ":" + jdbc.getPort()
                + jdbc.getPath();
        List<String> command = new ArrayList<>(List.of("psql", libpqUrl));
        command.addAll(documentedPsqlArguments());
        ProcessBuilder psql = new ProcessBuilder(command).redirectErrorStream(true);
        if (admin.password() != null) {
            psql.environment().put("PGPASSWORD", admin.password());
        }

        Process process = psql.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).doesNotContain("ERROR");
    }

    /** The runbook's psql command for the script, after its connection URL (which names another server). */
    private static List<String> documentedPsqlArguments() {
        Path runbook = Documentation.DOCS.resolve("runbook.md");
        List<String> lines = Documentation.blocks(Documentation.read(runbook), "bash").stream()
                .flatMap(String::lines).filter(l -> l.startsWith("psql ") && l.contains(SCRIPT.toString())).toList();
        assertThat(lines).as("the psql command for %s in %s", SCRIPT, runbook).hasSize(1);
        List<String> words = List.of(lines.get(0).split("\\s+"));
        assertThat(words.get(1)).as("psql's first argument is the connection URL").startsWith("\"postgresql://");
        return words.subList(2, words.size());
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static void applyScript(DatabaseTarget target) throws SQLException {
        String script;
        try {
            script = Files.readString(SCRIPT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection connection = connect(target); Statement statement = connection.createStatement()) {
            statement.execute(script);
        }
    }

    private static boolean canCreateRoles(DatabaseTarget target) throws SQLException {
        try (Connection connection = connect(target)) {
            return "true".equals(single(connection,
                    "SELECT (rolsuper OR rolcreaterole)::text FROM pg_roles WHERE rolname = current_user"));
        }
    }

    private static void assertDenied(Connection connection, String sql) {
        assertThatThrownBy(() -> update(connection, sql)).as(sql)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (sql.contains("?")) {
                statement.setString(1, REDIRECT_URI);
            }
            if (statement.execute()) {
                return 0;
            }
            return statement.getUpdateCount();
        }
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static Connection connectAs(String login) throws SQLException {
        Connection connection = DriverManager.getConnection(urlWithoutUser(), login, PASSWORD);
        assertThat(single(connection, "SELECT current_user")).isEqualTo(login);
        return connection;
    }

    /** The embedded server's URL names its superuser, and a user in the URL wins over the one given apart. */
    private static String urlWithoutUser() {
        return admin.url().replaceAll("([?&])user=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }

    private static Connection connect(DatabaseTarget target) throws SQLException {
        return DriverManager.getConnection(target.url(), target.username(), target.password());
    }
}
