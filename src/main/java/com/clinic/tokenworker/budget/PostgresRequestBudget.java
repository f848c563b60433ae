package com.clinic.tokenworker.budget;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
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
 * second lets through at most {@code B + 300 r} permits in any 5 minutes, so with a budget {@code L} we take
 * {@code B = L/10} (a burst for a backlog) and refill {@code L - B} evenly over 5 minutes and {@link #SEND_MARGIN}.
 * The margin is for the requests: Fullscript counts when a request arrives, the bucket when its permit is taken,
 * and a request sent up to SEND_MARGIN after its permit (a loaded machine, a permit kept for the next claim)
 * still falls in a window that holds at most {@code L}. (Refilling over exactly 5 minutes measured 301 requests
 * in a 5-minute window of a budget of 300 under load.)
 */
public class PostgresRequestBudget implements RequestBudget {

    static final long BUCKET_ID = 1L;
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** How late after its permit a request may arrive and still be counted in the budget's windows. */
    static final Duration SEND_MARGIN = Duration.ofSeconds(5);
    /** Share of the budget that refreshes may not touch, kept for code exchanges. */
    static final double EXCHANGE_RESERVE = 0.25;

    private final BucketProxy bucket;
    private final ProxyManager<Long> buckets;
    private final BucketConfiguration configuration;
    private final long refreshReserve;
    private volatile boolean configurationChecked;

    public PostgresRequestBudget(DataSource dataSource, int requestsPer5Min, Clock clock) {
        long burst = Math.max(1, requestsPer5Min / 10);
        long refill = Math.max(1, requestsPer5Min - burst);
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(refill, WINDOW.plus(SEND_MARGIN))
                        .initialTokens(burst))
                .build();
        ProxyManager<Long> buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .table("tokenworker_rate_bucket")
                .idColumn("id")
                .stateColumn("state")
                .clientClock(new ClockTimeMeter(clock))
                .build();
        this.bucket = buckets.builder()
                .withImplicitConfigurationReplacement(configurationVersion(requestsPer5Min),
                        io.github.bucket4j.TokensInheritanceStrategy.AS_IS)
                .build(BUCKET_ID, () -> configuration);
        this.buckets = buckets;
        this.configuration = configuration;
        this.refreshReserve = Math.max(1, Math.round(burst * EXCHANGE_RESERVE));
    }

    /**
     * Bucket4j replaces a stored configuration only for a higher version, so a lowered TOKENWORKER_REQUESTS_PER_5MIN
     * is applied here, without wiping the stored state. At the first use, not at construction: the table may not
     * exist before the migrations ran.
     */
    private void checkConfiguration() {
        if (configurationChecked) {
            return;
        }
        if (buckets.getProxyConfiguration(BUCKET_ID).filter(stored -> !stored.equals(configuration)).isPresent()) {
            bucket.replaceConfiguration(configuration, io.github.bucket4j.TokensInheritanceStrategy.AS_IS);
        }
        configurationChecked = true;
    }

    @Override
    public int acquireForExchanges(int wanted) {
        checkConfiguration();
        return wanted <= 0 ? 0 : (int) bucket.tryConsumeAsMuchAsPossible(wanted);
    }

    @Override
    public int acquireForRefreshes(int wanted) {
        checkConfiguration();
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
        checkConfiguration();
        return OptionalLong.of(bucket.getAvailableTokens());
    }

    /**
     * Above every version stored before the refill got its {@link #SEND_MARGIN} (those were the budget itself, at
     * most 5000), so buckets stored by older workers take the new refill.
     */
    private static long configurationVersion(int requestsPer5Min) {
        return 10_000L + requestsPer5Min;
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
