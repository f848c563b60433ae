package com.clinic.tokenworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.Documentation;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Every ```sql block of README.md and docs/ runs against a database the worker migrated and has run its job on:
 * no misspelled table, column or view survives a rename. Each block runs in a transaction that is rolled back, with
 * its {@code :named} parameters bound to sample values (or NULL for a name this test does not know). What the
 * statements do is asserted by the tests that follow them step by step (RefreshReadmeContractTest,
 * AlertQueriesTest, WebTierContractTest); this test catches the blocks no other test reads. It also compares the
 * step lists the pages show with the steps the job really ran.
 */
class DocumentedSqlTest {

    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([a-z_][a-z0-9_]*)");
    private static final Pattern TRANSACTION_CONTROL =
            Pattern.compile("(?is)(--[^\\n]*\\n\\s*)*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|END)\\b[^;]*");
    private static final Pattern STATEMENT_END = Pattern.compile("(?m);\\s*$");
    private static final Map<String, Object> SAMPLE_VALUES = sampleValues();

    private static DatabaseTarget database;
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static List<String> jobSteps;
    private static boolean canCreateRoles;

    @BeforeAll
    static void migrateRunAndApplyTheRoles() throws SQLException, IOException {
        Clock clock = Clock.systemUTC();
        database = TestDatabase.freshDatabase();
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock);
        jobSteps = worker.runOnce().getStepExecutions().stream().map(StepExecution::getStepName).toList();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            try (ResultSet role = statement.executeQuery("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                    + "WHERE rolname = current_user")) {
                canCreateRoles = role.next() && role.getBoolean(1);
            }
            if (canCreateRoles) {
                statement.execute(Files.readString(Path.of("sql/roles/least_privilege.sql")));
            }
        }
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void sqlWhenShownInAnyPageThenEveryStatementRunsOnAMigratedDatabase() throws SQLException {
        List<String> failures = new ArrayList<>();
        int statements = 0;
        for (Path page : Documentation.pages()) {
            for (String block : Documentation.sqlBlocks(page)) {
                if (block.contains(" ROLE ") && !canCreateRoles) {
                    continue; // needs CREATEROLE, which an external test database may not grant
                }
                statements += runRolledBack(page, block, failures);
            }
        }

        assertThat(statements).as("SQL statements found in README.md and docs/").isPositive();
        assertThat(failures).as("SQL blocks that do not run on a migrated database").isEmpty();
    }

    /** Other teams code against these names: a column the README's contract names must exist under that name. */
    @Test
    void contractWhenTheReadmeNamesAColumnThenTheContractTablesHaveIt() {
        List<String> names = worker.jdbc().sql("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name IN ('oauth_pending_code', 'oauth_token')
                UNION SELECT 'oauth_pending_code' UNION SELECT 'oauth_token'""").query(String.class).list();
        List<String> named = new ArrayList<>();
        Matcher identifier = Pattern.compile("`([a-z]+(?:_[a-z]+)+)`")
                .matcher(Documentation.section(Documentation.README, "webtier"));
        while (identifier.find()) {
            named.add(identifier.group(1));
        }

        assertThat(named).as("snake_case names in the README's contract").isNotEmpty();
        assertThat(names).as("columns of oauth_pending_code and oauth_token").containsAll(named);
    }

    @Test
    void stepsWhenTabulatedInTheDesignPageThenTheJobsStepsInOrder() {
        String table = Documentation.read(Documentation.DOCS.resolve("design.md"));
        table = table.substring(table.indexOf("<!-- steps -->"), table.indexOf("<!-- /steps -->"));
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }

        assertThat(documented).isEqualTo(jobSteps);
    }

    @Test
    void stepsWhenTheRunbooksStatusSampleListsAnExecutionThenTheJobsStepsInOrder() {
        String sample = Documentation.read(Documentation.DOCS.resolve("runbook.md"));
        sample = sample.substring(sample.indexOf("<!-- status-sample -->"), sample.indexOf("<!-- /status-sample -->"));
        List<List<String>> executions = new ArrayList<>();
        for (String line : sample.lines().toList()) {
            Matcher execution = Pattern.compile("^  (\\d+) +[A-Z]+ ").matcher(line);
            Matcher step = Pattern.compile("^ {13}(\\w+) [A-Z]+ read=").matcher(line);
            if (execution.find()) {
                executions.add(new ArrayList<>());
            } else if (step.find()) {
                executions.get(executions.size() - 1).add(step.group(1));
            }
        }

        assertThat(executions).isNotEmpty().allSatisfy(steps -> assertThat(steps).isEqualTo(jobSteps));
    }

    private static int runRolledBack(Path page, String block, List<String> failures) throws SQLException {
        int count = 0;
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            NamedParameterJdbcTemplate named =
                    new NamedParameterJdbcTemplate(new SingleConnectionDataSource(connection, true));
            try {
                if (block.contains(" ROLE ") || block.contains("GRANT ")) {
                    givenTheWorkerLoginOfTheExamples(connection);
                }
                for (String statement : STATEMENT_END.split(block)) {
                    if (statement.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))
                            || TRANSACTION_CONTROL.matcher(statement.strip()).matches()) {
                        continue; // a page's BEGIN/COMMIT would end the transaction this test rolls back
                    }
                    named.execute(statement, parameters(statement), PreparedStatement::execute);
                    count++;
                }
            } catch (RuntimeException | SQLException e) {
                failures.add(page + ": " + block.strip().lines().findFirst().orElse("") + " -> "
                        + NestedExceptionUtils.getMostSpecificCause(e).getMessage());
            } finally {
                connection.rollback();
            }
        }
        return count;
    }

    /** The examples grant roles to {@code tokenworker}, standing for the worker's login. */
    private static void givenTheWorkerLoginOfTheExamples(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tokenworker') "
                    + "THEN CREATE ROLE tokenworker LOGIN; END IF; END $$");
        }
    }

    private static MapSqlParameterSource parameters(String statement) {
        MapSqlParameterSource parameters = new MapSqlParameterSource();
        Matcher name = PARAMETER.matcher(statement.replaceAll("'[^']*'", "''"));
        while (name.find()) {
            parameters.addValue(name.group(1), SAMPLE_VALUES.get(name.group(1)));
        }
        return parameters;
    }

    /** Values for the parameter names the pages use; a name not listed here is bound to NULL. */
    private static Map<String, Object> sampleValues() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", 1L);
        values.put("code", "documented-code");
        values.put("app_user_ref", "user-1");
        values.put("owner", "documented-pipeline");
        values.put("lease_until", now.plusSeconds(45));
        values.put("version", 0L);
        values.put("reason", "HTTP 503");
        values.put("margin", "PT20M");
        values.put("active_within", "P7D");
        values.put("old_key_id", "0123456789abcdef");
        values.put("key_id", "0123456789abcdef");
        values.put("access_ciphertext", new byte[] {1});
        values.put("refresh_ciphertext", new byte[] {1});
        values.put("issued_at", now);
        values.put("expires_at", now.plusHours(2));
        return values;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(database.url(), database.username(), database.password());
    }
}
