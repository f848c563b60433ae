package com.clinic.tokenworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The refresh margin must leave the next run time to refresh a token flagged just after this one. */
class RefreshMarginValidationTest {

    @Test
    void marginWhenNotLongerThanIntervalPlusMaxRunDurationThenRefusedNamingAllThreeValues() {
        Map<String, String> env = Map.of(
                "TOKENWORKER_REFRESH_MARGIN", "PT6M",
                "TOKENWORKER_INTERVAL", "PT1M",
                "TOKENWORKER_MAX_RUN_DURATION", "PT5M");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p.variable()).isEqualTo("TOKENWORKER_REFRESH_MARGIN")))
                .hasMessageContaining("TOKENWORKER_REFRESH_MARGIN: is PT6M")
                .hasMessageContaining("TOKENWORKER_INTERVAL (PT1M)")
                .hasMessageContaining("TOKENWORKER_MAX_RUN_DURATION (PT5M)")
                .hasMessageContaining("= PT6M")
                .hasMessageContaining("example: TOKENWORKER_REFRESH_MARGIN=PT16M");
    }

    @Test
    void marginWhenLongerThanIntervalPlusMaxRunDurationThenAccepted() {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(Map.of(
                "TOKENWORKER_REFRESH_MARGIN", "PT6M1S",
                "TOKENWORKER_INTERVAL", "PT1M",
                "TOKENWORKER_MAX_RUN_DURATION", "PT5M"));

        assertThat(properties.refreshMargin()).isEqualTo(Duration.parse("PT6M1S"));
    }

    @Test
    void defaultsWhenUnsetThenTwentyMinutesPolicyAllRefreshEnabled() {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(Map.of());

        assertThat(properties.refreshMargin()).isEqualTo(Duration.ofMinutes(20));
        assertThat(properties.refreshPolicy()).isEqualTo(RefreshPolicy.ALL);
        assertThat(properties.refreshActiveWithin()).isEqualTo(Duration.ofDays(7));
        assertThat(properties.refreshEnabled()).isTrue();
    }

    @Test
    void policyWhenUnknownThenRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(Map.of("TOKENWORKER_REFRESH_POLICY", "some")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("TOKENWORKER_REFRESH_POLICY: expected all or recently-used, got 'some'");
    }
}
