package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionSystemException;

/**
 * Found by the fault campaign (docs/reliability.md, database outage): `run` whose connection was killed during a
 * commit exited 1 ("SQLException: Connection is closed") instead of the database exit code.
 */
class ConnectionLostExitCodeTest {

    @Test
    void classifyWhenACommitsConnectionBrokeThenTheDatabaseExitCode() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(FailureClassifier.classify(List.of(rollbackFailed))).isEqualTo(ExitCode.DATABASE_UNREACHABLE);
        assertThat(FailureClassifier.classify(List.of(new IllegalStateException("step failed",
                new SQLException("Connection is closed"))))).isEqualTo(ExitCode.DATABASE_UNREACHABLE);
    }

    @Test
    void classifyWhenAnotherSqlErrorThenFailure() {
        assertThat(FailureClassifier.classify(List.of(new SQLException("syntax error", "42601"))))
                .isEqualTo(ExitCode.FAILURE);
    }
}
