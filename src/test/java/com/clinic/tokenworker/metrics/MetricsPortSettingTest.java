package com.clinic.tokenworker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsPortSettingTest {

    @Test
    void metricsPortWhenUnsetThenTheDefault9464() {
        assertThat(TokenWorkerProperties.fromEnvironment(Map.of()).metricsPort()).hasValue(9464);
    }

    @Test
    void metricsPortWhenZeroThenTheServerIsOff() {
        assertThat(TokenWorkerProperties.fromEnvironment(Map.of("TOKENWORKER_METRICS_PORT", "0")).metricsPort())
                .isEmpty();
    }

    @Test
    void metricsPortWhenPrivilegedThenAProblemNamingTheVariable() {
        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(Map.of("TOKENWORKER_METRICS_PORT", "80")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("TOKENWORKER_METRICS_PORT")
                .hasMessageContaining("1024 to 65535");
    }
}
