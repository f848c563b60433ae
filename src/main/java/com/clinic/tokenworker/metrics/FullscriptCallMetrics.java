package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * This process's calls to Fullscript as Prometheus counters and a latency histogram. Every series that can
 * occur is registered at zero up front, so {@code rate()} and {@code increase()} work from the first scrape and a
 * panel never shows "no data" for a region that has had no call yet.
 */
public class FullscriptCallMetrics implements FullscriptCallObserver {

    static final String EXCHANGES = "tokenworker.exchanges";
    static final String REFRESHES = "tokenworker.refreshes";
    static final String REVOCATIONS = "tokenworker.revocations";
    static final String RATE_LIMIT_PAUSES = "tokenworker.rate.limit.pauses";
    static final String CALL_DURATION = "tokenworker.fullscript.call.duration";

    /** Histogram buckets around the 10 s default timeout (TOKENWORKER_REQUEST_TIMEOUT, at most 50 s). */
    static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(50)};

    private final Map<CallKind, Map<Region, Map<CallOutcome, Counter>>> calls = new EnumMap<>(CallKind.class);
    private final Map<CallKind, Map<Region, Timer>> latency = new EnumMap<>(CallKind.class);
    private final Map<Region, Counter> rateLimitPauses = new EnumMap<>(Region.class);

    public FullscriptCallMetrics(MeterRegistry registry) {
        for (CallKind kind : CallKind.values()) {
            Map<Region, Map<CallOutcome, Counter>> byRegion = new EnumMap<>(Region.class);
            Map<Region, Timer> timers = new EnumMap<>(Region.class);
            for (Region region : Region.values()) {
                Map<CallOutcome, Counter> byOutcome = new EnumMap<>(CallOutcome.class);
                for (CallOutcome outcome : CallOutcome.values()) {
                    if (possible(kind, outcome)) {
                        byOutcome.put(outcome, Counter.builder(counterName(kind))
                                .description(description(kind))
                                .tag("region", region.code())
                                .tag("outcome", outcome.label())
                                .register(registry));
                    }
                }
                byRegion.put(region, byOutcome);
                timers.put(region, Timer.builder(CALL_DURATION)
                        .description("Latency of calls to Fullscript's OAuth endpoints, from send to classified "
                                + "result (timeouts included)")
                        .tag("kind", kind.label())
                        .tag("region", region.code())
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry));
            }
            calls.put(kind, byRegion);
            latency.put(kind, timers);
        }
        for (Region region : Region.values()) {
            rateLimitPauses.put(region, Counter.builder(RATE_LIMIT_PAUSES)
                    .description("429 answers from Fullscript; each starts or extends the pause every worker keeps")
                    .tag("region", region.code())
                    .register(registry));
        }
    }

    @Override
    public void called(CallKind kind, Region region, TokenEndpointResult result, Duration took) {
        CallOutcome outcome = CallOutcome.of(result);
        Counter counter = calls.get(kind).get(region).get(outcome);
        if (counter != null) {
            counter.increment();
        }
        latency.get(kind).get(region).record(took);
        if (outcome == CallOutcome.RATE_LIMITED) {
            rateLimitPauses.get(region).increment();
        }
    }

    /** A token endpoint never answers "revoked", the revoke endpoint never grants. */
    static boolean possible(CallKind kind, CallOutcome outcome) {
        if (outcome == CallOutcome.GRANTED) {
            return kind != CallKind.REVOKE;
        }
        if (outcome == CallOutcome.REVOKED) {
            return kind == CallKind.REVOKE;
        }
        return true;
    }

    static String counterName(CallKind kind) {
        return switch (kind) {
            case EXCHANGE -> EXCHANGES;
            case REFRESH -> REFRESHES;
            case REVOKE -> REVOCATIONS;
        };
    }

    private static String description(CallKind kind) {
        return switch (kind) {
            case EXCHANGE -> "Code exchanges sent to Fullscript by this process, by what Fullscript answered";
            case REFRESH -> "Token refreshes sent to Fullscript by this process, by what Fullscript answered";
            case REVOKE -> "Token revocations sent to Fullscript by this process, by what Fullscript answered";
        };
    }
}
