package com.clinic.tokenworker.status;

import java.sql.Array;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads {@link CredentialsReport}. Both tables come with V11_1: against an older schema (a status binary newer
 * than the worker) there is simply nothing to report. Never reads a ciphertext: the rows counted are those the
 * worker has to open (to refresh or revoke them), found by status, so tokenworker_monitor's grants suffice.
 */
final class CredentialsReader {

    static final int IDS_LISTED = 10;

    private final JdbcClient jdbc;

    CredentialsReader(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    CredentialsReport read() {
        return new CredentialsReport(refusedRegions(), undecryptable(), undecryptableGrants());
    }

    private List<CredentialsReport.RefusedRegion> refusedRegions() {
        if (!exists("oauth_credential_check")) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT region, checked_at, detail, request_id, checked_by FROM oauth_credential_check
                        WHERE outcome = 'REJECTED'
                        ORDER BY region
                        """)
                .query((rs, n) -> new CredentialsReport.RefusedRegion(rs.getString("region"),
                        rs.getObject("checked_at", OffsetDateTime.class).toInstant(), rs.getString("detail"),
                        rs.getString("request_id"), rs.getString("checked_by")))
                .list();
    }

    private List<CredentialsReport.UndecryptableTokens> undecryptable() {
        if (!exists("tokenworker_encryption_keys")) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT t.encryption_key_id AS key_id, count(*) AS tokens,
                               (array_agg(t.id ORDER BY t.id))[1:%d] AS ids,
                               k.key_ids, k.recorded_at, k.recorded_by
                        FROM oauth_token t
                        CROSS JOIN tokenworker_encryption_keys k
                        WHERE t.status IN ('ACTIVE', 'REFRESH_DUE', 'REVOKE_REQUESTED')
                          AND (t.encryption_key_id IS NULL OR NOT t.encryption_key_id = ANY (k.key_ids))
                        GROUP BY t.encryption_key_id, k.key_ids, k.recorded_at, k.recorded_by
                        ORDER BY t.encryption_key_id
                        """.formatted(IDS_LISTED))
                .query((rs, n) -> new CredentialsReport.UndecryptableTokens(rs.getString("key_id"),
                        rs.getLong("tokens"), longs(rs.getArray("ids")), strings(rs.getArray("key_ids")),
                        rs.getObject("recorded_at", OffsetDateTime.class).toInstant(), rs.getString("recorded_by")))
                .list();
    }

    /** The revocation queue (V12), by its key ids only. */
    private List<CredentialsReport.UndecryptableGrants> undecryptableGrants() {
        if (!exists("tokenworker_encryption_keys") || !exists("oauth_grant_revocation")) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT g.encryption_key_id AS key_id, count(g.id) AS grants,
                               k.key_ids, k.recorded_at, k.recorded_by
                        FROM oauth_grant_revocation g
                        CROSS JOIN tokenworker_encryption_keys k
                        WHERE NOT g.encryption_key_id = ANY (k.key_ids)
                        GROUP BY g.encryption_key_id, k.key_ids, k.recorded_at, k.recorded_by
                        ORDER BY g.encryption_key_id
                        """)
                .query((rs, n) -> new CredentialsReport.UndecryptableGrants(rs.getString("key_id"),
                        rs.getLong("grants"), strings(rs.getArray("key_ids")),
                        rs.getObject("recorded_at", OffsetDateTime.class).toInstant(), rs.getString("recorded_by")))
                .list();
    }

    private boolean exists(String table) {
        return Boolean.TRUE.equals(jdbc.sql("SELECT to_regclass(:table) IS NOT NULL").param("table", table)
                .query(Boolean.class).single());
    }

    private static List<Long> longs(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(o -> ((Number) o).longValue()).toList();
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
