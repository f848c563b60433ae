package com.clinic.tokenworker.budget;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * A Bucket4j token bucket whose state lives in PostgreSQL ({@code tokenworker_rate_bucket}, row-locked per
 * update), so N pods together stay under one budget.
 *
 * <p>Fullscript counts over a rolling 5-minute window. A bucket of capacity {@code B} refilling {@code r} per
 * second lets through at most {@code B + 300 r} requests in any 5 minutes, so with a budget {@code L} we take
 * {@code B = L/10} (a burst for a backlog) and refill {@code L - B} evenly over 5 minutes: never more than
 * {@code L} in any window.
 */
public class PostgresRequestBudget implements RequestBudget {

    static final long BUCKET_ID = 1L;
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Share of the budget that refreshes may not touch, kept for code exchanges. */
    static final double EXCHANGE_RESERVE = 0.25;

    private final BucketProxy bucket;
    private final long refreshReserve;

    public PostgresRequestBudget(DataSource dataSource, int requestsPer5Min, Clock clock) {
        long burst = Math.max(1, requestsPer5Min / 10);
        long refill = Math.max(1, requestsPer5Min - burst);
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(refill, WINDOW).initialTokens(burst))
                .build();
        this.bucket = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .table("tokenworker_rate_bucket")
                .idColumn("id")
                .stateColumn("state")
                .clientClock(new ClockTimeMeter(clock))
                .build()
                .builder()
                // A changed TOKENWORKER_REQUESTS_PER_5MIN takes effect without wiping the stored state.
                .withImplicitConfigurationReplacement(configurationVersion(requestsPer5Min),
                        io.github.bucket4j.TokensInheritanceStrategy.AS_IS)
                .build(BUCKET_ID, () -> configuration);
        this.refreshReserve = Math.max(1, Math.round(burst * EXCHANGE_RESERVE));
    }

    @Override
    public int acquireForExchanges(int wanted) {
        return wanted <= 0 ? 0 : (int) bucket.tryConsumeAsMuchAsPossible(wanted);
    }

    @Override
    public int acquireForRefreshes(int wanted) {
        if (wanted <= 0) {
            return 0;
        }
        long spare = bucket.getAvailableTokens() - refreshReserve;
        return spare <= 0 ? 0 : (int) bucket.tryConsumeAsMuchAsPossible(Math.min(wanted, spare));
    }

    @Override
    public void giveBack(int unused) {
        if (unused > 0) {
            bucket.addTokens(unused);
        }
    }

    @Override
    public OptionalLong available() {
        return OptionalLong.of(bucket.getAvailableTokens());
    }

    private static long configurationVersion(int requestsPer5Min) {
        return requestsPer5Min;
    }

    /** Bucket4j measures time through this, so tests drive refills with the same clock as everything else. */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return ChronoUnit.NANOS.between(java.time.Instant.EPOCH, clock.instant());
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
