package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.quartz.Scheduler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * One Prometheus registry per worker context (never Micrometer's global one: tests run several workers in one
 * JVM, and each must count only its own calls).
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean(destroyMethod = "close")
    PrometheusMeterRegistry prometheusMeterRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Bean
    FullscriptCallMetrics fullscriptCallMetrics(PrometheusMeterRegistry registry) {
        return new FullscriptCallMetrics(registry);
    }

    @Bean
    MetricsEndpoints metricsEndpoints(PrometheusMeterRegistry registry, JdbcClient jdbc,
                                      PlatformTransactionManager transactionManager, RequestBudget budget,
                                      Scheduler scheduler, TokenWorkerProperties properties, Clock clock) {
        return new MetricsEndpoints(registry, jdbc, transactionManager, budget, scheduler, properties, clock);
    }
}
