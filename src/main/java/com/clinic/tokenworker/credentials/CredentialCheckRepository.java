package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.Region;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code oauth_credential_check}: one row per region, the latest thing learnt about its credentials. */
@Repository
public class CredentialCheckRepository {

    private final JdbcClient jdbc;

    public CredentialCheckRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the region's check if it is due (or was made with other credentials) by moving next_check_at to
     * {@code next}: of several workers starting together, one sends the request.
     */
    boolean claim(Region region, String credentialsId, Instant now, Instant next) {
        return jdbc.sql("""
                        INSERT INTO oauth_credential_check (region, credentials_id, next_check_at)
                        VALUES (:region, :credentialsId, :next)
                        ON CONFLICT (region) DO UPDATE
                            SET credentials_id = EXCLUDED.credentials_id, next_check_at = EXCLUDED.next_check_at
                            WHERE oauth_credential_check.next_check_at <= :now
                               OR oauth_credential_check.credentials_id <> EXCLUDED.credentials_id
                        RETURNING region
                        """)
                .param("region", region.code())
                .param("credentialsId", credentialsId)
                .param("now", SqlTime.of(now))
                .param("next", SqlTime.of(next))
                .query(String.class)
                .optional()
                .isPresent();
    }

    /** Gives a claimed check back (no permit, a 429 pause): the next run tries again. */
    void release(Region region, Instant now) {
        jdbc.sql("UPDATE oauth_credential_check SET next_check_at = :now WHERE region = :region")
                .param("region", region.code())
                .param("now", SqlTime.of(now))
                .update();
    }

    void record(Region region, CredentialCheckResult result, Instant checkedAt, String worker) {
        jdbc.sql("""
                        UPDATE oauth_credential_check
                        SET outcome = :outcome, detail = :detail, request_id = :requestId, checked_at = :checkedAt,
                            checked_by = :worker
                        WHERE region = :region
                        """)
                .param("region", region.code())
                .param("outcome", result.outcome().name())
                .param("detail", result.detail())
                .param("requestId", result.requestId().orElse(null))
                .param("checkedAt", SqlTime.of(checkedAt))
                .param("worker", worker)
                .update();
    }

    /**
     * A refusal met by any call (the check or the work loop). The row may not exist yet (a refusal before the
     * first check); its next check stays when it was, so the check confirms a fix within the interval.
     */
    void recordRejected(Region region, String credentialsId, String detail, String requestId, Instant checkedAt,
                        String worker) {
        jdbc.sql("""
                        INSERT INTO oauth_credential_check (region, outcome, detail, request_id, checked_at, checked_by,
                                                            credentials_id, next_check_at)
                        VALUES (:region, 'REJECTED', :detail, :requestId, :checkedAt, :worker, :credentialsId,
                                :checkedAt)
                        ON CONFLICT (region) DO UPDATE
                            SET outcome = 'REJECTED', detail = EXCLUDED.detail, request_id = EXCLUDED.request_id,
                                checked_at = EXCLUDED.checked_at, checked_by = EXCLUDED.checked_by,
                                credentials_id = EXCLUDED.credentials_id
                        """)
                .param("region", region.code())
                .param("detail", detail)
                .param("requestId", requestId)
                .param("checkedAt", SqlTime.of(checkedAt))
                .param("worker", worker)
                .param("credentialsId", credentialsId)
                .update();
    }
}
