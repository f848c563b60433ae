package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import picocli.CommandLine.Option;

/** The settings a user may still choose for {@code demo}: where its embedded database lives, and concurrency. */
class DemoOptions extends SettingOptions {

    @Option(names = "--embedded-data-dir", paramLabel = "DIR",
            description = "Overrides TOKENWORKER_EMBEDDED_DATA_DIR (default ./.tokenworker/demo-pgdata).")
    void embeddedDataDir(String value) {
        given(Setting.TOKENWORKER_EMBEDDED_DATA_DIR, "--embedded-data-dir", value);
    }

    @Option(names = "--embedded-port", paramLabel = "PORT",
            description = "Overrides TOKENWORKER_EMBEDDED_PORT (default 54339).")
    void embeddedPort(String value) {
        given(Setting.TOKENWORKER_EMBEDDED_PORT, "--embedded-port", value);
    }

    @Option(names = "--concurrency", paramLabel = "N", description = "Overrides TOKENWORKER_CONCURRENCY (1-64).")
    void concurrency(String value) {
        given(Setting.TOKENWORKER_CONCURRENCY, "--concurrency", value);
    }
}
