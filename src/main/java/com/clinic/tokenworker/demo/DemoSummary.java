package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The demo's figures, read back from the contract tables and the job tables after the last execution, never
 * counted along the way: what it prints is what a person (or the web tier) finds in the database.
 *
 * @param tokensByStatus   the demo's {@code oauth_token} rows by status
 * @param tokensRefreshed  tokens whose {@code issued_at} is later than their code's exchange: refreshed since
 * @param tokensNearExpiry ACTIVE or REFRESH_DUE tokens expiring within the refresh margin right now
 * @param steps            every step of the demo's executions, by name, from the job tables
 */
public record DemoSummary(CodeCounts codes, Map<String, Integer> codesByRegion, Map<String, Integer> tokensByStatus,
                          int tokensRefreshed, int tokensNearExpiry, List<StepTotal> steps, DemoLoop.Result loop) {

    public static DemoSummary read(JdbcClient jdbc, JobRepository jobRepository, DemoLoop.Result loop,
                                   Instant now, Duration refreshMargin) {
        DemoCodes codes = new DemoCodes(jdbc);
        Map<String, Integer> byRegion = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT region, count(*) AS n FROM oauth_pending_code
                        WHERE app_user_ref LIKE 'demo:%' GROUP BY region ORDER BY region DESC
                        """)
                .query((rs, i) -> byRegion.put(rs.getString("region"), rs.getInt("n")))
                .list();
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT status, count(*) AS n FROM oauth_token
                        WHERE app_user_ref LIKE 'demo:%' GROUP BY status ORDER BY status
                        """)
                .query((rs, i) -> byStatus.put(rs.getString("status"), rs.getInt("n")))
                .list();
        int refreshed = jdbc.sql("""
                        SELECT count(*) FROM oauth_token t JOIN oauth_pending_code c ON c.token_id = t.id
                        WHERE t.app_user_ref LIKE 'demo:%' AND t.issued_at > c.finished_at
                        """)
                .query(Integer.class)
                .single();
        int nearExpiry = jdbc.sql("""
                        SELECT count(*) FROM oauth_token
                        WHERE app_user_ref LIKE 'demo:%' AND status IN ('ACTIVE', 'REFRESH_DUE')
                          AND expires_at <= :horizon
                        """)
                .param("horizon", SqlTime.of(now.plus(refreshMargin)))
                .query(Integer.class)
                .single();
        return new DemoSummary(codes.counts(), byRegion, byStatus, refreshed, nearExpiry,
                StepTotals.read(jobRepository, loop.executionIds()), loop);
    }

    public int tokens() {
        return tokensByStatus.values().stream().mapToInt(Integer::intValue).sum();
    }
}
