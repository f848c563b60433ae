package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import picocli.CommandLine.Option;

/** The one setting of {@code status} beyond the database. */
class StatusOptions extends SettingOptions {

    @Option(names = "--max-silence", paramLabel = "DURATION",
            description = "Overrides TOKENWORKER_STATUS_MAX_SILENCE (ISO-8601, e.g. PT3M).")
    void maxSilence(String value) {
        given(Setting.TOKENWORKER_STATUS_MAX_SILENCE, "--max-silence", value);
    }
}
