package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.status.MissingSchemaException;
import com.clinic.tokenworker.status.StatusCheck;
import com.clinic.tokenworker.status.StatusJson;
import com.clinic.tokenworker.status.StatusReport;
import com.clinic.tokenworker.status.StatusTable;
import com.clinic.tokenworker.status.StatusThresholds;
import com.clinic.tokenworker.time.DatabaseClockAnchor;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code status}: what waits, what failed, how the runs went, and whether someone should look (exit code 6). It
 * only reads: no encryption key or Fullscript credentials needed, no migration, no job, no Quartz.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Reports pending codes, tokens, the 429 pause and the latest tokenMaintenanceJob executions, "
                + "and exits 6 when something needs attention: a code expired unexchanged in the last hour, no "
                + "COMPLETED run within TOKENWORKER_STATUS_MAX_SILENCE (three intervals by default), or a stuck "
                + "execution. Needs only the database settings, and only reads: without SPRING_DATASOURCE_URL it "
                + "reads the embedded development database if one exists, and creates none."})
public class StatusCommand implements Callable<Integer> {

    static final int MAX_EXECUTIONS = 100;

    @ParentCommand
    TokenWorkerCommand parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Mixin
    StatusOptions statusOptions;

    @Option(names = "--json", description = "Print the report as JSON (for machines) instead of a table.")
    boolean json;

    @Option(names = "--executions", paramLabel = "N", defaultValue = "10",
            description = "How many of the latest executions to list (1-" + MAX_EXECUTIONS
                    + ", default ${DEFAULT-VALUE}).")
    int executions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (executions < 1 || executions > MAX_EXECUTIONS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--executions': "
                    + "expected a whole number from 1 to " + MAX_EXECUTIONS + ", got " + executions
                    + " (example: --executions=25)");
        }
        TokenWorkerProperties properties;
        try {
            properties = SettingOptions.read(parent.environment(), database, statusOptions);
        } catch (InvalidConfigurationException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCode.INVALID_CONFIGURATION.code();
        }
        DatabaseAddress address = DatabaseAddress.of(properties, SettingOptions.optionNames(database));
        try (DatabaseSession session = DatabaseSession.openForReading(properties, address.urlSetting())) {
            StatusReport report = report(session.target(), properties);
            if (json) {
                StatusJson.print(report, out);
            } else {
                StatusTable.print(report, out);
            }
            return (report.healthy() ? ExitCode.OK : ExitCode.ATTENTION_NEEDED).code();
        } catch (InvalidConfigurationException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCode.INVALID_CONFIGURATION.code();
        } catch (MissingSchemaException e) {
            return fail(err, ExitCode.FAILURE, e.getMessage());
        } catch (RuntimeException e) {
            return fail(err, e, address);
        }
    }

    private StatusReport report(DatabaseTarget target, TokenWorkerProperties properties) {
        SingleConnectionDataSource dataSource = dataSource(target);
        try {
            // Ages and deadlines read the database's clock, as the workers' leases do (no-op for a test's clock).
            new DatabaseClockAnchor(parent.clock(), JdbcClient.create(dataSource)).anchorNow();
            return new StatusCheck(dataSource, parent.clock(), StatusThresholds.from(properties)).check(executions);
        } finally {
            dataSource.destroy();
        }
    }

    private static int fail(PrintWriter err, RuntimeException e, DatabaseAddress where) {
        if (FailureClassifier.isDatabaseUnreachable(e)) {
            return fail(err, ExitCode.DATABASE_UNREACHABLE, where.explain(e));
        }
        if (isPermissionDenied(e)) {
            return fail(err, ExitCode.FAILURE, "the database user may not read what status reads ("
                    + FailureClassifier.rootMessage(e) + "); grant it tokenworker_monitor "
                    + "(sql/roles/least_privilege.sql)");
        }
        return fail(err, ExitCode.FAILURE, "status failed on the database at " + where.shown() + ": "
                + FailureClassifier.rootMessage(e));
    }

    /** One connection for the one snapshot transaction; named so a DBA sees who holds it. */
    private static SingleConnectionDataSource dataSource(DatabaseTarget target) {
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(target.url(), target.username(),
                target.password(), true);
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "fullscript-token-worker status");
        dataSource.setConnectionProperties(properties);
        return dataSource;
    }

    private static boolean isPermissionDenied(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static int fail(PrintWriter err, ExitCode code, String message) {
        err.println("error: " + message);
        err.flush();
        return code.code();
    }
}
