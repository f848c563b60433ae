package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.Region;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code oauth_credential_check}: one row per region, the latest thing learnt about its credentials. */
@Repository
public class CredentialCheckRepository {

    /** How soon refused credentials are asked about again. */
    static final Duration RECHECK_AFTER_REFUSAL = Duration.ofMinutes(1);

    private final JdbcClient jdbc;

    public CredentialCheckRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Whether {@link #claim} would refuse: the check of these very credentials is not due yet. One read instead of
     * taking a permit from the budget and giving it back, on nearly every run.
     */
    boolean notDue(Region region, String credentialsId, Instant now) {
        return jdbc.sql("""
                        SELECT 1 FROM oauth_credential_check
                        WHERE region = :region AND credentials_id = :credentialsId AND next_check_at > :now
                        """)
                .param("region", region.code())
                .param("credentialsId", credentialsId)
                .param("now", SqlTime.of(now))
                .query(Integer.class)
                .optional()
                .isPresent();
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

    /**
     * The refusal recorded for these very credentials, if the latest answer about them was one: the check is not
     * due yet, but sending the region's work would only be refused again.
     */
    Optional<KnownRefusal> knownRefusal(Region region, String credentialsId) {
        return jdbc.sql("""
                        SELECT checked_at, request_id, next_check_at FROM oauth_credential_check
                        WHERE region = :region AND credentials_id = :credentialsId AND outcome = 'REJECTED'
                        """)
                .param("region", region.code())
                .param("credentialsId", credentialsId)
                .query((rs, row) -> new KnownRefusal(rs.getTimestamp("checked_at").toInstant(),
                        Optional.ofNullable(rs.getString("request_id")), rs.getTimestamp("next_check_at").toInstant()))
                .optional();
    }

    /** A refusal of the configured credentials, and when they are checked again. */
    record KnownRefusal(Instant refusedAt, Optional<String> requestId, Instant nextCheckAt) {
    }

    /** Gives a claimed check back (no permit, a 429 pause): the next run tries again. */
    void release(Region region, Instant now) {
        jdbc.sql("UPDATE oauth_credential_check SET next_check_at = :now WHERE region = :region")
                .param("region", region.code())
                .param("now", SqlTime.of(now))
                .update();
    }

    /** The check's answer, other than a refusal ({@link #recordRejected}). */
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
     * first check). The next check comes within {@link #RECHECK_AFTER_REFUSAL} rather than the whole interval:
     * until then the region's work is held back, and a fix made at Fullscript's end (the same secret made valid
     * again) must not cost an hour of codes, which live 10 minutes.
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
                                credentials_id = EXCLUDED.credentials_id,
                                next_check_at = LEAST(oauth_credential_check.next_check_at, :recheck)
                        """)
                .param("recheck", SqlTime.of(checkedAt.plus(RECHECK_AFTER_REFUSAL)))
                .param("region", region.code())
                .param("detail", detail)
                .param("requestId", requestId)
                .param("checkedAt", SqlTime.of(checkedAt))
                .param("worker", worker)
                .param("credentialsId", credentialsId)
                .update();
    }
}
