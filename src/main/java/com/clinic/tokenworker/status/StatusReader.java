package com.clinic.tokenworker.status;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.exchange.CodeStatus;
import com.clinic.tokenworker.token.TokenStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The contract tables' side of the status report: codes, tokens and the 429 pause, with plain SQL. Never selects
 * {@code code} or a ciphertext column, so a login with tokenworker_monitor's column grants can run it. Ages are
 * measured against the given instant (the worker's clock), not the database's.
 */
final class StatusReader {

    private static final List<String> TABLES = List.of("oauth_pending_code", "oauth_token", "tokenworker_throttle",
            "batch_job_instance", "batch_job_execution", "batch_job_execution_params", "batch_step_execution");

    private final JdbcClient jdbc;

    StatusReader(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void requireSchema() {
        List<String> missing = jdbc.sql("""
                        SELECT t FROM unnest(CAST(:tables AS text[])) AS t WHERE to_regclass(t) IS NULL
                        """)
                .param("tables", TABLES.toArray(String[]::new))
                .query(String.class)
                .list();
        if (!missing.isEmpty()) {
            throw new MissingSchemaException(missing);
        }
    }

    CodesReport codes(Instant now) {
        Map<String, Long> byStatus = countByStatus("oauth_pending_code",
                Stream.of(CodeStatus.values()).map(Enum::name).toList());
        WaitingCode oldest = jdbc.sql("""
                        SELECT id, status, received_at FROM oauth_pending_code
                        WHERE status IN ('PENDING', 'EXCHANGING')
                        ORDER BY received_at, id
                        LIMIT 1
                        """)
                .query((rs, n) -> waiting(rs, now))
                .optional()
                .orElse(null);
        Instant since = now.minus(StatusThresholds.RECENT);
        RecentProblems recent = jdbc.sql("""
                        SELECT count(*) FILTER (WHERE status = 'EXPIRED') AS expired,
                               max(finished_at) FILTER (WHERE status = 'EXPIRED') AS last_expired,
                               count(*) FILTER (WHERE status = 'FAILED') AS failed
                        FROM oauth_pending_code
                        WHERE status IN ('EXPIRED', 'FAILED') AND finished_at > :since
                        """)
                .param("since", SqlTime.of(since))
                .query((rs, n) -> new RecentProblems(rs.getLong("expired"), instant(rs, "last_expired"),
                        rs.getLong("failed")))
                .single();
        List<FinishedCode> latest = jdbc.sql("""
                        SELECT id, status, region, received_at, finished_at, attempts, last_error, last_request_id
                        FROM oauth_pending_code
                        WHERE status IN ('EXPIRED', 'FAILED') AND finished_at > :since
                        ORDER BY finished_at DESC, id DESC
                        LIMIT :limit
                        """)
                .param("since", SqlTime.of(since))
                .param("limit", StatusThresholds.LATEST_PROBLEMS)
                .query((rs, n) -> new FinishedCode(rs.getLong("id"), rs.getString("status"), rs.getString("region"),
                        instant(rs, "received_at"), instant(rs, "finished_at"), rs.getInt("attempts"),
                        FirstLine.of(rs.getString("last_error")), rs.getString("last_request_id")))
                .list();
        return new CodesReport(byStatus, oldest, recent.expired(), recent.lastExpired(), recent.failed(), latest);
    }

    TokensReport tokens(Instant now) {
        Map<String, Long> byStatus = countByStatus("oauth_token",
                Stream.of(TokenStatus.values()).map(Enum::name).toList());
        GrantsToRevoke toRevoke = grantsToRevoke();
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE status = 'REAUTH_REQUIRED' AND updated_at > :since)
                                   AS reauth_recent,
                               min(refresh_due_at) FILTER (WHERE status = 'REFRESH_DUE') AS oldest_due,
                               count(*) FILTER (WHERE status IN ('ACTIVE', 'REFRESH_DUE') AND last_error IS NOT NULL)
                                   AS refresh_errors
                        FROM oauth_token
                        """)
                .param("since", SqlTime.of(now.minus(StatusThresholds.RECENT)))
                .query((rs, n) -> new TokensReport(byStatus, rs.getLong("reauth_recent"), instant(rs, "oldest_due"),
                        rs.getLong("refresh_errors"), toRevoke.count(), toRevoke.oldestQueuedAt()))
                .single();
    }

    /** The revocation queue (V12), read by its bookkeeping columns only; nothing before the worker created it. */
    private GrantsToRevoke grantsToRevoke() {
        if (!Boolean.TRUE.equals(jdbc.sql("SELECT to_regclass('oauth_grant_revocation') IS NOT NULL")
                .query(Boolean.class).single())) {
            return new GrantsToRevoke(0, null);
        }
        return jdbc.sql("SELECT count(id) AS grants, min(created_at) AS oldest FROM oauth_grant_revocation")
                .query((rs, n) -> new GrantsToRevoke(rs.getLong("grants"), instant(rs, "oldest")))
                .single();
    }

    private record GrantsToRevoke(long count, Instant oldestQueuedAt) {
    }

    ThrottleReport throttle(Instant now) {
        return jdbc.sql("SELECT paused_until, reason FROM tokenworker_throttle WHERE id = 1")
                .query((rs, n) -> {
                    Instant until = instant(rs, "paused_until");
                    boolean paused = until != null && until.isAfter(now);
                    return new ThrottleReport(paused, paused ? until : null, paused ? rs.getString("reason") : null);
                })
                .optional()
                .orElse(new ThrottleReport(false, null, null));
    }

    private Map<String, Long> countByStatus(String table, List<String> statuses) {
        Map<String, Long> counts = new LinkedHashMap<>();
        statuses.forEach(s -> counts.put(s, 0L));
        jdbc.sql("SELECT status, count(*) AS n FROM " + table + " GROUP BY status")
                .query((rs, n) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                .list()
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private static WaitingCode waiting(ResultSet rs, Instant now) throws SQLException {
        Instant received = instant(rs, "received_at");
        Instant deadline = received.plus(TokenWorkerProperties.CODE_LIFETIME);
        return new WaitingCode(rs.getLong("id"), rs.getString("status"), received, deadline,
                Duration.between(received, now).toSeconds(), Duration.between(now, deadline).toSeconds());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return SqlTime.toInstant(rs.getObject(column, OffsetDateTime.class));
    }

    private record RecentProblems(long expired, Instant lastExpired, long failed) {
    }
}
