package com.clinic.tokenworker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Found by the fault campaign (docs/reliability.md, database outage, pg_terminate_backend): a connection killed
 * during the COMMIT of a granted token made Spring throw the failed rollback ("JDBC rollback failed", caused by
 * HikariCP's SQLException "Connection is closed", no SQLSTATE), which was taken for a lasting failure: the token
 * was reported LOST at once although the database took writes again a millisecond later.
 */
class GrantKeptThroughBrokenCommitTest {

    @Test
    void isPassingWhenTheCommitsConnectionBrokeThenTheWriteIsTriedAgain() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(GrantKeeping.isPassing(rollbackFailed)).isTrue();
        assertThat(GrantKeeping.isPassing(new SQLException("Connection is closed"))).isTrue();
    }

    @Test
    void isPassingWhenTheWriteBreaksARuleThenItIsNot() {
        assertThat(GrantKeeping.isPassing(new DataIntegrityViolationException("duplicate key"))).isFalse();
        assertThat(GrantKeeping.isPassing(new SQLException("Connection is closed", "23505"))).isFalse();
    }
}
