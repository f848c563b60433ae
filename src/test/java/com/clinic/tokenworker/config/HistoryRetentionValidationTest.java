package com.clinic.tokenworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TOKENWORKER_HISTORY_RETENTION: how long purgeHistory keeps finished history. */
class HistoryRetentionValidationTest {

    @Test
    void retentionWhenUnsetThenThirtyDays() {
        assertThat(TokenWorkerProperties.fromEnvironment(Map.of()).historyRetention()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void retentionWhenWrittenInDaysOrHoursThenAccepted() {
        assertThat(retention("P90D")).isEqualTo(Duration.ofDays(90));
        assertThat(retention("P1D")).isEqualTo(Duration.ofDays(1));
        assertThat(retention("PT36H")).isEqualTo(Duration.ofHours(36));
    }

    @Test
    void retentionWhenShorterThanADayThenRefusedNamingTheVariableWithAnExample() {
        assertThatThrownBy(() -> retention("PT12H"))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).singleElement()
                        .satisfies(p -> assertThat(p.variable()).isEqualTo("TOKENWORKER_HISTORY_RETENTION")))
                .hasMessageContaining("TOKENWORKER_HISTORY_RETENTION: expected an ISO-8601 duration from PT24H")
                .hasMessageContaining("got 'PT12H'")
                .hasMessageContaining("example: TOKENWORKER_HISTORY_RETENTION=P30D");
    }

    @Test
    void retentionWhenNotAnIsoDurationThenRefused() {
        assertThatThrownBy(() -> retention("30 days"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("TOKENWORKER_HISTORY_RETENTION").hasMessageContaining("got '30 days'");
        assertThatThrownBy(() -> retention("P1M")).as("months have no fixed length")
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("TOKENWORKER_HISTORY_RETENTION");
    }

    private static Duration retention(String value) {
        return TokenWorkerProperties.fromEnvironment(Map.of("TOKENWORKER_HISTORY_RETENTION", value))
                .historyRetention();
    }
}
