package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import picocli.CommandLine.Option;

/** Which database a command works on: every command but {@code demo} and {@code simulate}. */
class DatabaseOptions extends SettingOptions {

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "Overrides SPRING_DATASOURCE_URL, e.g. jdbc:postgresql://db.internal:5432/clinic.")
    void databaseUrl(String value) {
        given(Setting.SPRING_DATASOURCE_URL, "--database-url", value);
    }
}
