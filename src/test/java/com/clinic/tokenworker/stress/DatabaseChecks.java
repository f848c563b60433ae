package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** The database side of the checks: rows, executions left running, stored tokens. */
final class DatabaseChecks {

    private DatabaseChecks() {
    }

    static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Codes not final: waiting, or claimed. */
    static long codesNotFinal(Connection db) throws SQLException {
        return count(db, "SELECT count(*) FROM oauth_pending_code WHERE status IN ('PENDING', 'EXCHANGING')");
    }

    /** Rows claimed whose lease ended more than {@code slack} ago: nobody may hold them, nobody took them back. */
    static List<String> stuckPastLease(Connection db, Duration slack) throws SQLException {
        List<String> stuck = new ArrayList<>();
        String[] queries = {
                "SELECT 'code row ' || id || ' ' || status || ' lease until ' || lease_until FROM oauth_pending_code "
                        + "WHERE status = 'EXCHANGING' AND lease_until < now() - make_interval(secs => "
                        + slack.toSeconds() + ")",
                "SELECT 'token row ' || id || ' ' || status || ' lease until ' || lease_until FROM oauth_token "
                        + "WHERE lease_until IS NOT NULL AND lease_until < now() - make_interval(secs => "
                        + slack.toSeconds() + ") AND status IN ('REFRESH_DUE', 'REVOKE_REQUESTED')"};
        for (String sql : queries) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    stuck.add(rs.getString(1));
                }
            }
        }
        return stuck;
    }

    /** An execution launched by a killed process: its state, and when recovery ended it. */
    record KilledExecution(long id, String status, Instant endTime, String exitMessage, Instant killedAt) {
        Duration timeToFailed() {
            return endTime == null ? null : Duration.between(killedAt, endTime);
        }
    }

    /** The executions the process {@code pid} launched, with their status (launchedBy is host/pid/suffix/lock). */
    static List<KilledExecution> executionsOf(Connection db, long pid, Instant killedAt) throws SQLException {
        List<KilledExecution> found = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("""
                SELECT e.job_execution_id, e.status, e.end_time, e.exit_message
                FROM batch_job_execution e JOIN batch_job_execution_params p USING (job_execution_id)
                WHERE p.parameter_name = 'launchedBy' AND p.parameter_value LIKE ?""")) {
            s.setString(1, "%/" + pid + "/%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    LocalDateTime end = rs.getObject(3, LocalDateTime.class);
                    found.add(new KilledExecution(rs.getLong(1), rs.getString(2),
                            end == null ? null : end.atZone(ZoneId.systemDefault()).toInstant(), rs.getString(4),
                            killedAt));
                }
            }
        }
        return found;
    }

    static long executionsRunning(Connection db) throws SQLException {
        return count(db, "SELECT count(*) FROM batch_job_execution WHERE status IN ('STARTING', 'STARTED', 'STOPPING')");
    }

    record TokenFigures(int decrypted, List<String> undecryptable, List<String> activeButDeadAtFullscript) {
    }

    /** Every stored token decrypts with the campaign's key; an ACTIVE row's refresh token is the live one. */
    static TokenFigures tokens(Connection db, String key, FakeFullscriptServer fullscript) throws SQLException {
        TokenCipher cipher = new TokenCipher(EncryptionKey.fromBase64(key), List.of());
        int decrypted = 0;
        List<String> undecryptable = new ArrayList<>();
        List<String> dead = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT id, status, region, resource_owner_type, resource_owner_id, encryption_key_id,
                       access_token_ciphertext, refresh_token_ciphertext
                FROM oauth_token WHERE access_token_ciphertext IS NOT NULL""")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                try {
                    cipher.decrypt(rs.getBytes(7), rs.getString(6), new TokenBinding(rs.getString(3), rs.getString(4),
                            rs.getString(5), TokenField.ACCESS_TOKEN));
                    String refresh = cipher.decrypt(rs.getBytes(8), rs.getString(6), new TokenBinding(rs.getString(3),
                            rs.getString(4), rs.getString(5), TokenField.REFRESH_TOKEN));
                    decrypted++;
                    if ("ACTIVE".equals(rs.getString(2)) && fullscript != null
                            && !fullscript.isRefreshTokenActive(refresh)) {
                        dead.add("token row " + id);
                    }
                } catch (RuntimeException e) {
                    undecryptable.add("token row " + id + ": " + e.getClass().getSimpleName());
                }
            }
        }
        return new TokenFigures(decrypted, undecryptable, dead);
    }
}
