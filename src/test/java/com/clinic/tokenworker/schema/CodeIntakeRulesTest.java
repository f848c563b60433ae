package com.clinic.tokenworker.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What anyone with INSERT on oauth_pending_code can write (V11): each hostile row is refused at the insert by a
 * named constraint, or made harmless by the intake trigger, before the worker ever sees it.
 */
class CodeIntakeRulesTest {

    /** The insert docs/web-tier-inserts.md gives the web tier. */
    private static final String WEB_TIER_INSERT = """
            INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref)
            VALUES (:code, :region, 'https://clinic.example/oauth/fullscript/callback', 'user-1')
            ON CONFLICT DO NOTHING
            RETURNING id
            """;

    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        SettableClock clock = SettableClock.startingAt("2026-08-01T00:00:00Z");
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    static Stream<Arguments> refusedRows() {
        return Stream.of(
                Arguments.of("empty code", "", "us", "oauth_pending_code_code_not_blank_ck"),
                Arguments.of("blank code", "   ", "us", "oauth_pending_code_code_not_blank_ck"),
                Arguments.of("code of 1025 bytes", "a".repeat(1025), "us", "oauth_pending_code_code_length_ck"),
                Arguments.of("code of 3 KB, past the btree row limit", random(3_000), "us",
                        "oauth_pending_code_code_length_ck"),
                Arguments.of("code of 100 KB that compresses", "x".repeat(100_000), "us",
                        "oauth_pending_code_code_length_ck"),
                Arguments.of("code of 600 two-byte characters", "é".repeat(600), "us",
                        "oauth_pending_code_code_length_ck"),
                Arguments.of("region in upper case", unique(), "US", "oauth_pending_code_region_ck"),
                Arguments.of("region with a space", unique(), " us", "oauth_pending_code_region_ck"),
                Arguments.of("region that does not exist", unique(), "mx", "oauth_pending_code_region_ck"),
                Arguments.of("empty region", unique(), "", "oauth_pending_code_region_ck"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRows")
    void insertWhenTheRowBreaksAnIntakeRuleThenTheNamedConstraintRefusesIt(String description, String code,
                                                                           String region, String constraint) {
        assertThatThrownBy(() -> jdbc.sql(WEB_TIER_INSERT).param("code", code).param("region", region)
                .query(Long.class).list())
                .hasMessageContaining(constraint)
                .hasMessageNotContaining("index row size");
    }

    static Stream<Arguments> acceptedRows() {
        return Stream.of(
                Arguments.of("ordinary code", unique(), "us"),
                Arguments.of("canadian code", unique(), "ca"),
                Arguments.of("code of exactly 1024 bytes", "b".repeat(1000) + unique().substring(0, 24), "us"),
                Arguments.of("one-character code", "z", "us"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedRows")
    void insertWhenTheRowKeepsTheRulesThenItIsStoredPendingWithItsHash(String description, String code,
                                                                       String region) {
        List<Long> id = jdbc.sql(WEB_TIER_INSERT).param("code", code).param("region", region)
                .query(Long.class).list();

        assertThat(id).hasSize(1);
        assertThat(jdbc.sql("SELECT status, region, code_sha256 = sha256(convert_to(code, 'UTF8')) AS hashed "
                        + "FROM oauth_pending_code WHERE id = :id").param("id", id.get(0)).query().singleRow())
                .containsEntry("status", "PENDING").containsEntry("region", region).containsEntry("hashed", true);
    }

    static Stream<Arguments> receivedAtRows() {
        return Stream.of(
                Arguments.of("a day ahead", Duration.ofDays(1), Duration.ZERO),
                Arguments.of("a minute ahead", Duration.ofMinutes(1), Duration.ZERO),
                Arguments.of("a minute ago, kept", Duration.ofMinutes(-1), Duration.ofMinutes(-1)),
                Arguments.of("nine minutes ago, kept", Duration.ofMinutes(-9), Duration.ofMinutes(-9)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("receivedAtRows")
    void insertWhenReceivedAtIsInTheFutureThenItIsClampedToTheInsertTime(String description, Duration offset,
                                                                         Duration expectedOffset) {
        OffsetDateTime dbNow = jdbc.sql("SELECT now()").query(OffsetDateTime.class).single();

        OffsetDateTime stored = jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, redirect_uri, received_at)
                        VALUES (:code, 'https://x', CAST(:at AS timestamptz))
                        RETURNING received_at
                        """)
                .param("code", unique()).param("at", dbNow.plus(offset))
                .query(OffsetDateTime.class).single();

        // Each statement of this autocommit client is its own transaction, so its now() is at or after dbNow.
        OffsetDateTime expected = dbNow.plus(expectedOffset);
        assertThat(stored).isBetween(expected, expected.plusSeconds(5));
        assertThat(stored.isAfter(dbNow.plusSeconds(5))).isFalse();
    }

    @Test
    void updateWhenReceivedAtIsMovedLaterThenTheOriginalIsKept() {
        long id = insert(unique());
        OffsetDateTime before = receivedAt(id);

        jdbc.sql("UPDATE oauth_pending_code SET received_at = received_at + interval '1 day' WHERE id = :id")
                .param("id", id).update();

        assertThat(receivedAt(id)).isEqualTo(before);
    }

    @Test
    void insertWhenTheSameCodeIsRetriedWhileWaitingThenTheRetryIsANoOp() {
        String code = unique();
        insert(code);

        assertThat(jdbc.sql(WEB_TIER_INSERT).param("code", code).param("region", "us").query(Long.class).list())
                .isEmpty();
        assertThat(rowsFor(code)).isEqualTo(1);
    }

    @Test
    void insertWhenTheSameCodeIsRetriedAfterItsRowIsFinalThenNoSecondRowIsCreated() {
        String code = unique();
        long id = insert(code);
        finish(id);

        List<Long> retry = jdbc.sql(WEB_TIER_INSERT).param("code", code).param("region", "us")
                .query(Long.class).list();

        assertThat(retry).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM oauth_pending_code WHERE status = 'PENDING' AND code = :code")
                .param("code", code).query(Long.class).single()).isZero();
    }

    @Test
    void insertWhenAPlainInsertRepeatsAFinishedCodeThenTheHashConstraintIsNamed() {
        String code = unique();
        finish(insert(code));

        assertThatThrownBy(() -> jdbc.sql("INSERT INTO oauth_pending_code (code, redirect_uri) VALUES (:code, 'x')")
                .param("code", code).update())
                .hasMessageContaining("oauth_pending_code_code_sha256_uk")
                .hasMessageNotContaining(code);
    }

    @Test
    void insertWhenTheWriterSetsItsOwnHashThenTheDatabaseReplacesIt() {
        String code = unique();
        jdbc.sql("INSERT INTO oauth_pending_code (code, redirect_uri, code_sha256) VALUES (:code, 'x', '\\x00')")
                .param("code", code).update();

        assertThat(jdbc.sql("SELECT code_sha256 = sha256(convert_to(:code, 'UTF8')) FROM oauth_pending_code "
                + "WHERE code = :code").param("code", code).query(Boolean.class).single()).isTrue();
    }

    private static long insert(String code) {
        return jdbc.sql(WEB_TIER_INSERT).param("code", code).param("region", "us").query(Long.class).single();
    }

    /** What the worker does to a final row: the code is wiped. */
    private static void finish(long id) {
        jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = 'EXCHANGED', code = NULL, finished_at = now()
                        WHERE id = :id
                        """)
                .param("id", id).update();
    }

    private static OffsetDateTime receivedAt(long id) {
        return jdbc.sql("SELECT received_at FROM oauth_pending_code WHERE id = :id").param("id", id)
                .query(OffsetDateTime.class).single();
    }

    private static long rowsFor(String code) {
        return jdbc.sql("SELECT count(*) FROM oauth_pending_code WHERE code_sha256 = sha256(convert_to(:code, 'UTF8'))")
                .param("code", code).query(Long.class).single();
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }

    /** Incompressible, so it reaches the btree as it is. */
    private static String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append(unique());
        }
        return sb.substring(0, length);
    }
}
