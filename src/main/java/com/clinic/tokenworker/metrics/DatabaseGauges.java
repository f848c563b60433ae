package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.exchange.CodeStatus;
import com.clinic.tokenworker.token.TokenStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Gauges over the latest {@link WorkerSnapshot}: the state of the whole deployment, the same on every replica
 * (aggregate them with {@code max}, never {@code sum}). Without a snapshot (the database did not answer) each is
 * NaN and {@code tokenworker_database_up} is 0, so a stale figure is never shown as a current one.
 */
final class DatabaseGauges {

    static final String CODES = "tokenworker.codes";
    static final String TOKENS = "tokenworker.tokens";
    static final String OLDEST_CODE_SECONDS_LEFT = "tokenworker.oldest.waiting.code.seconds.left";
    static final String SECONDS_SINCE_COMPLETED = "tokenworker.seconds.since.last.completed.execution";
    static final String PAUSE_SECONDS_REMAINING = "tokenworker.rate.limit.pause.seconds.remaining";
    static final String BUDGET_REMAINING = "tokenworker.request.budget.remaining";
    static final String DATABASE_UP = "tokenworker.database.up";

    private final LatestSnapshot latest;
    private final Clock clock;

    private DatabaseGauges(LatestSnapshot latest, Clock clock) {
        this.latest = latest;
        this.clock = clock;
    }

    /** The snapshot the gauges read; the server sets it before each scrape. */
    interface LatestSnapshot {
        Optional<WorkerSnapshot> get();
    }

    static void register(MeterRegistry registry, LatestSnapshot latest, Clock clock) {
        DatabaseGauges gauges = new DatabaseGauges(latest, clock);
        for (CodeStatus status : CodeStatus.values()) {
            gauges.gauge(registry, CODES, "Codes in oauth_pending_code by status (all workers)",
                    s -> s.codes().getOrDefault(status, 0L), "status", status.name());
        }
        for (TokenStatus status : TokenStatus.values()) {
            gauges.gauge(registry, TOKENS, "Tokens in oauth_token by status (all workers)",
                    s -> s.tokens().getOrDefault(status, 0L), "status", status.name());
        }
        gauges.gauge(registry, OLDEST_CODE_SECONDS_LEFT,
                "Seconds until the oldest PENDING or EXCHANGING code reaches its 10-minute deadline (negative: "
                        + "past it); NaN when no code waits",
                s -> s.oldestWaitingReceivedAt()
                        .map(received -> seconds(gauges.clock.instant(),
                                received.plus(TokenWorkerProperties.CODE_LIFETIME)))
                        .orElse(Double.NaN));
        gauges.gauge(registry, SECONDS_SINCE_COMPLETED,
                "Seconds since the latest COMPLETED tokenMaintenanceJob execution ended (any worker); +Inf when "
                        + "none is recorded",
                s -> s.lastCompletedAt().map(end -> seconds(end, gauges.clock.instant()))
                        .orElse(Double.POSITIVE_INFINITY));
        gauges.gauge(registry, PAUSE_SECONDS_REMAINING,
                "Seconds left of the 429 pause every worker keeps (tokenworker_throttle); 0 when none",
                s -> s.pausedUntil().map(until -> Math.max(0, seconds(gauges.clock.instant(), until))).orElse(0.0));
        gauges.gauge(registry, BUDGET_REMAINING,
                "Request permits the shared budget could give right now (TOKENWORKER_REQUESTS_PER_5MIN: a tenth as "
                        + "burst, the rest refilled evenly over 5 minutes)",
                s -> s.budgetAvailable().isPresent() ? s.budgetAvailable().getAsLong() : Double.NaN);
        Gauge.builder(DATABASE_UP, gauges, g -> g.latest.get().isPresent() ? 1 : 0)
                .description("1 when the latest read of the gauges above succeeded within its timeout, else 0")
                .strongReference(true)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description,
                       ToDoubleFunction<WorkerSnapshot> value, String... tags) {
        Gauge.builder(name, this, g -> g.latest.get().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description)
                .tags(tags)
                // Micrometer holds a gauge's object weakly, and nothing else holds this one.
                .strongReference(true)
                .register(registry);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
