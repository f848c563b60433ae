package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.config.RefreshPolicy;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The flag that feeds every refresh pipeline, this worker's or an external one: an ACTIVE token whose access
 * token expires within {@code TOKENWORKER_REFRESH_MARGIN} becomes REFRESH_DUE. The edge belongs to the margin:
 * {@code expires_at = now + margin} is flagged.
 *
 * <p>The policy applies here, not in the refresh step, so that it holds whichever pipeline refreshes: under
 * {@code recently-used} a token counts as used at its last {@code last_used_at}, or when it was authorized if the
 * application never reported a use. An idle token stays ACTIVE past its {@code expires_at}; its refresh token does
 * not expire, and setting {@code last_used_at} gets it flagged by the next run.
 */
@Repository
public class ExpiringTokenFlagger {

    /** Rows per statement: short transactions beside the web tier's writes, however many tokens come due. */
    static final int BATCH = 1000;

    private final JdbcClient jdbc;

    public ExpiringTokenFlagger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Flags up to {@link #BATCH} tokens; rows locked by another writer are left for the next run. */
    public int flagBatch(Instant now, TokenWorkerProperties properties) {
        boolean recentlyUsedOnly = properties.refreshPolicy() == RefreshPolicy.RECENTLY_USED;
        return jdbc.sql("""
                        UPDATE oauth_token
                        SET status = 'REFRESH_DUE', refresh_due_at = :now, updated_at = :now
                        WHERE status = 'ACTIVE' AND id IN (
                            SELECT id FROM oauth_token
                            WHERE status = 'ACTIVE'
                              AND expires_at <= :dueBy
                              %s
                            ORDER BY expires_at, id
                            LIMIT :batch
                            FOR UPDATE SKIP LOCKED)
                        """.formatted(recentlyUsedOnly
                        ? "AND COALESCE(last_used_at, authorized_at) >= :activeSince" : ""))
                .param("now", SqlTime.of(now))
                .param("dueBy", SqlTime.of(now.plus(properties.refreshMargin())))
                .param("activeSince", SqlTime.of(now.minus(properties.refreshActiveWithin())))
                .param("batch", BATCH)
                .update();
    }
}
