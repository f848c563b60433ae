package com.clinic.tokenworker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FullscriptCallMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FullscriptCallMetrics metrics = new FullscriptCallMetrics(registry);

    @Test
    void callsWhenObservedThenCountedByKindRegionAndOutcomeAndTimedInTheHistogram() {
        metrics.called(CallKind.EXCHANGE, Region.US, new TokenEndpointResult.Rejected(400, "invalid_grant", "",
                Optional.empty()), Duration.ofMillis(30));
        metrics.called(CallKind.EXCHANGE, Region.CA, new TokenEndpointResult.Unavailable("HTTP 503",
                Optional.empty()), Duration.ofMillis(700));
        metrics.called(CallKind.REVOKE, Region.US, new TokenEndpointResult.Revoked(Optional.empty()),
                Duration.ofSeconds(3));

        PrometheusText text = PrometheusText.parse(registry.scrape());

        assertThat(text.valueOf("tokenworker_exchanges_total", Map.of("region", "us", "outcome", "rejected")))
                .isEqualTo(1.0);
        assertThat(text.valueOf("tokenworker_exchanges_total", Map.of("region", "ca", "outcome", "unavailable")))
                .isEqualTo(1.0);
        assertThat(text.valueOf("tokenworker_exchanges_total", Map.of("region", "us", "outcome", "granted")))
                .as("registered at zero before any grant").isZero();
        assertThat(text.valueOf("tokenworker_revocations_total", Map.of("region", "us", "outcome", "revoked")))
                .isEqualTo(1.0);
        assertThat(text.value("tokenworker_revocations_total", Map.of("outcome", "granted"))).isEmpty();
        assertThat(text.valueOf("tokenworker_refreshes_total", Map.of("region", "ca", "outcome", "rate_limited")))
                .isZero();
        assertThat(text.valueOf("tokenworker_fullscript_call_duration_seconds_count",
                Map.of("kind", "exchange", "region", "ca"))).isEqualTo(1.0);
        assertThat(text.valueOf("tokenworker_fullscript_call_duration_seconds_bucket",
                Map.of("kind", "exchange", "region", "ca", "le", "0.5"))).isZero();
        assertThat(text.valueOf("tokenworker_fullscript_call_duration_seconds_bucket",
                Map.of("kind", "exchange", "region", "ca", "le", "1.0"))).isEqualTo(1.0);
        assertThat(text.valueOf("tokenworker_fullscript_call_duration_seconds_bucket",
                Map.of("kind", "revoke", "region", "us", "le", "+Inf"))).isEqualTo(1.0);
    }

    @Test
    void rateLimitedAnswerWhenObservedThenCountedAsAPauseOfItsRegion() {
        metrics.called(CallKind.REFRESH, Region.CA, new TokenEndpointResult.RateLimited(
                Optional.of(Duration.ofSeconds(30)), Optional.empty()), Duration.ofMillis(10));

        PrometheusText text = PrometheusText.parse(registry.scrape());

        assertThat(text.valueOf("tokenworker_rate_limit_pauses_total", Map.of("region", "ca"))).isEqualTo(1.0);
        assertThat(text.valueOf("tokenworker_rate_limit_pauses_total", Map.of("region", "us"))).isZero();
        assertThat(text.valueOf("tokenworker_refreshes_total", Map.of("region", "ca", "outcome", "rate_limited")))
                .isEqualTo(1.0);
    }
}
