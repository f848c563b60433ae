package com.clinic.tokenworker.schedule;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.TokenFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The V10 triggers, heard as a web tier or the worker would hear them: a plain JDBC session that LISTENs, and
 * rows written the way every writer writes them.
 */
class NotificationTriggersTest {

    private static final int RECEIVE_MILLIS = 2000;

    private static FakeFullscriptServer fullscript;
    private static DatabaseTarget database;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        Clock clock = Clock.systemUTC();
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        database = TestDatabase.freshDatabase();
        worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void insertWhenManyCodesArriveInOneTransactionThenTheWorkerHearsOneNotificationOfKindCode() throws Exception {
        try (Connection listener = listening("tokenworker_work")) {
            new TransactionTemplate(worker.bean(PlatformTransactionManager.class)).executeWithoutResult(tx -> {
                for (int i = 0; i < 20; i++) {
                    FullscriptFixture.insertCode(jdbc, "one-transaction-" + i, "us", java.time.Instant.now());
                }
            });

            List<PGNotification> heard = receive(listener);

            assertThat(heard).extracting(PGNotification::getParameter).containsExactly("{\"kind\" : \"code\"}");
        }
    }

    @Test
    void updateWhenATokenIsSetToRevokeRequestedThenTheWorkerHearsKindRevoke() throws Exception {
        long token = TokenFixture.authorize(worker, fullscript, "owner-revoke");
        try (Connection listener = listening("tokenworker_work")) {
            jdbc.sql("UPDATE oauth_token SET status = 'REVOKE_REQUESTED' WHERE id = :id").param("id", token).update();
            jdbc.sql("UPDATE oauth_token SET last_used_at = now() WHERE id = :id").param("id", token).update();

            assertThat(receive(listener)).extracting(PGNotification::getParameter)
                    .as("only the change into REVOKE_REQUESTED notifies").containsExactly("{\"kind\" : \"revoke\"}");
        }
    }

    @Test
    void updateWhenACodeBecomesFinalThenTheWebTierHearsItsIdAndStatusAndNeverTheCode() throws Exception {
        String code = fullscript.mintCode(REDIRECT_URI);
        long id = FullscriptFixture.insertCode(jdbc, code, "us", java.time.Instant.now());
        try (Connection listener = listening("oauth_code_final")) {
            jdbc.sql("UPDATE oauth_pending_code SET status = 'EXCHANGING' WHERE id = :id").param("id", id).update();
            jdbc.sql("UPDATE oauth_pending_code SET status = 'FAILED', code = NULL, last_error = 'x' WHERE id = :id")
                    .param("id", id).update();

            List<PGNotification> heard = receive(listener);

            assertThat(heard).extracting(PGNotification::getParameter)
                    .containsExactly("{\"id\" : " + id + ", \"status\" : \"FAILED\"}");
            assertThat(heard.get(0).getParameter()).doesNotContain(code);
        }
    }

    private static Connection listening(String channel) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", database.username());
        Connection connection = DriverManager.getConnection(database.url(), login);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + channel);
        }
        return connection;
    }

    /** Everything that arrives until the channel has been quiet for a while. */
    private static List<PGNotification> receive(Connection connection) throws SQLException {
        List<PGNotification> heard = new ArrayList<>();
        PGNotification[] batch;
        do {
            batch = connection.unwrap(PGConnection.class).getNotifications(RECEIVE_MILLIS);
            heard.addAll(List.of(batch == null ? new PGNotification[0] : batch));
        } while (batch != null && batch.length > 0);
        return heard;
    }
}
