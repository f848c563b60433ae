package com.clinic.tokenworker.token;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The bookkeeping writes that end a claim on an {@code oauth_token} row without storing a new token, shared by
 * the refresh and the revocation steps. Each one is guarded by the lease and leaves the status as it is, so a
 * status the application set meanwhile (REVOKE_REQUESTED) is never overwritten. Each step counts and backs off in
 * its own columns ({@link TokenClaims.Due}).
 */
@Repository
public class TokenLeaseRepository {

    private final JdbcClient jdbc;

    public TokenLeaseRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A call was made and failed transiently: count it, remember why, and try again at {@code at}. */
    public boolean retryLater(TokenClaims.Due step, TokenLease lease, Instant at, String reason,
                              Optional<String> requestId, Instant now) {
        return jdbc.sql("""
                        UPDATE oauth_token
                        SET %1$s = %1$s + 1, %2$s = :at, last_error = :reason, held_back_key_id = NULL,
                            last_request_id = COALESCE(:requestId, last_request_id),
                            lease_owner = NULL, lease_until = NULL, updated_at = :now
                        WHERE id = :id AND lease_owner = :owner AND lease_until = :until
                        """.formatted(step.attemptsColumn(), step.backoffColumn()))
                .param("at", SqlTime.of(at))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null))
                .param("now", SqlTime.of(now))
                .param("id", lease.tokenId())
                .param("owner", lease.owner())
                .param("until", SqlTime.of(lease.until()))
                .update() == 1;
    }

    /**
     * No call could be made because of the worker's own configuration (a missing decryption key, a disabled
     * region): no attempt is counted, the row waits until {@code recheckAt} so it does not crowd out the rows
     * that can be served. A row held back for a key this worker lacks records that key's id: a worker that holds
     * it claims the row at once ({@link TokenClaims}).
     */
    public boolean holdBack(TokenClaims.Due step, TokenLease lease, Instant recheckAt, String reason,
                            Optional<String> missingKeyId, Instant now) {
        return jdbc.sql("""
                        UPDATE oauth_token
                        SET %s = :at, last_error = :reason, held_back_key_id = :keyId,
                            lease_owner = NULL, lease_until = NULL, updated_at = :now
                        WHERE id = :id AND lease_owner = :owner AND lease_until = :until
                        """.formatted(step.backoffColumn()))
                .param("at", SqlTime.of(recheckAt))
                .param("keyId", missingKeyId.orElse(null))
                .param("reason", reason)
                .param("now", SqlTime.of(now))
                .param("id", lease.tokenId())
                .param("owner", lease.owner())
                .param("until", SqlTime.of(lease.until()))
                .update() == 1;
    }

    /** Nothing was sent: the row is free again at once, as it was before the claim. */
    public boolean release(TokenLease lease) {
        return jdbc.sql("""
                        UPDATE oauth_token SET lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND lease_owner = :owner AND lease_until = :until
                        """)
                .param("id", lease.tokenId())
                .param("owner", lease.owner())
                .param("until", SqlTime.of(lease.until()))
                .update() == 1;
    }
}
