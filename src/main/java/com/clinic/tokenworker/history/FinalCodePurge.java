package com.clinic.tokenworker.history;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Deletes final {@code oauth_pending_code} rows (EXCHANGED, EXPIRED, FAILED) that finished before the cutoff. They
 * hold no code any more; what they still tell (which user, when, why it failed) has been read long before. A row
 * still waiting (PENDING, EXCHANGING) is never deleted, whatever its age.
 */
@Repository
public class FinalCodePurge {

    private final JdbcClient jdbc;

    public FinalCodePurge(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public int purge(Instant finishedBefore, int limit) {
        return jdbc.sql("""
                        DELETE FROM oauth_pending_code
                        WHERE id IN (
                            SELECT id FROM oauth_pending_code
                            WHERE status IN ('EXCHANGED', 'EXPIRED', 'FAILED')
                              AND finished_at < :before
                            ORDER BY finished_at
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        """)
                .param("before", SqlTime.of(finishedBefore))
                .param("limit", limit)
                .update();
    }
}
