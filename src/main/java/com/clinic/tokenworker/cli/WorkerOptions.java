package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import picocli.CommandLine.Option;

/** How the worker exchanges and refreshes: {@code run} and {@code daemon}. */
class WorkerOptions extends SettingOptions {

    @Option(names = "--environment", paramLabel = "sandbox|production",
            description = "Overrides FULLSCRIPT_ENVIRONMENT.")
    void environment(String value) {
        given(Setting.FULLSCRIPT_ENVIRONMENT, "--environment", value);
    }

    @Option(names = "--concurrency", paramLabel = "N", description = "Overrides TOKENWORKER_CONCURRENCY (1-64).")
    void concurrency(String value) {
        given(Setting.TOKENWORKER_CONCURRENCY, "--concurrency", value);
    }

    @Option(names = "--requests-per-5min", paramLabel = "N",
            description = "Overrides TOKENWORKER_REQUESTS_PER_5MIN (1-5000).")
    void requestsPer5Min(String value) {
        given(Setting.TOKENWORKER_REQUESTS_PER_5MIN, "--requests-per-5min", value);
    }

    @Option(names = "--interval", paramLabel = "DURATION",
            description = "Overrides TOKENWORKER_INTERVAL (ISO-8601, e.g. PT15S); daemon and run --window only.")
    void interval(String value) {
        given(Setting.TOKENWORKER_INTERVAL, "--interval", value);
    }

    @Option(names = "--refresh-enabled", paramLabel = "true|false",
            description = "Overrides TOKENWORKER_REFRESH_ENABLED.")
    void refreshEnabled(String value) {
        given(Setting.TOKENWORKER_REFRESH_ENABLED, "--refresh-enabled", value);
    }
}
