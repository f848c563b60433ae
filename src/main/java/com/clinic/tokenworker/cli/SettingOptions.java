package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Command-line options that stand for environment variables: an option given wins over the variable, and both
 * go through the same validation.
 */
public class SettingOptions {

    private final Map<String, String> overrides = new HashMap<>();

    @Option(names = "--database-url", paramLabel = "JDBC_URL", description = "Overrides SPRING_DATASOURCE_URL.")
    void databaseUrl(String value) {
        overrides.put(Setting.SPRING_DATASOURCE_URL.name(), value);
    }

    @Option(names = "--environment", paramLabel = "sandbox|production",
            description = "Overrides FULLSCRIPT_ENVIRONMENT.")
    void environment(String value) {
        overrides.put(Setting.FULLSCRIPT_ENVIRONMENT.name(), value);
    }

    @Option(names = "--concurrency", paramLabel = "N", description = "Overrides TOKENWORKER_CONCURRENCY.")
    void concurrency(String value) {
        overrides.put(Setting.TOKENWORKER_CONCURRENCY.name(), value);
    }

    @Option(names = "--requests-per-5min", paramLabel = "N",
            description = "Overrides TOKENWORKER_REQUESTS_PER_5MIN.")
    void requestsPer5Min(String value) {
        overrides.put(Setting.TOKENWORKER_REQUESTS_PER_5MIN.name(), value);
    }

    @Option(names = "--interval", paramLabel = "DURATION", description = "Overrides TOKENWORKER_INTERVAL.")
    void interval(String value) {
        overrides.put(Setting.TOKENWORKER_INTERVAL.name(), value);
    }

    @Option(names = "--refresh-enabled", paramLabel = "true|false",
            description = "Overrides TOKENWORKER_REFRESH_ENABLED.")
    void refreshEnabled(String value) {
        overrides.put(Setting.TOKENWORKER_REFRESH_ENABLED.name(), value);
    }

    /** The process environment with the options given on the command line laid over it. */
    public Map<String, String> environment(Map<String, String> processEnvironment) {
        return TokenWorkerProperties.overlay(processEnvironment, overrides);
    }
}
