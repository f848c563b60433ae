package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options that stand for environment variables: an option given wins over the variable, both go
 * through the same validation, and a bad value is reported under the option the user typed. Each command mixes in
 * only the groups it uses, so its {@code --help} lists nothing it would ignore.
 */
abstract class SettingOptions {

    private final Map<Setting, String> values = new EnumMap<>(Setting.class);
    private final Map<Setting, String> optionNames = new EnumMap<>(Setting.class);

    /** Records a value typed as {@code option}, standing for {@code setting}. */
    protected final void given(Setting setting, String option, String value) {
        values.put(setting, value);
        optionNames.put(setting, option);
    }

    /** Everything {@code run} and {@code daemon} need, read from the environment with the options laid over it. */
    static TokenWorkerProperties forTokenProcessing(Map<String, String> environment, SettingOptions... options) {
        return TokenWorkerProperties.forTokenProcessing(environment(environment, options), optionNames(options));
    }

    /** The settings every command checks, read from the environment with the options laid over it. */
    static TokenWorkerProperties read(Map<String, String> environment, SettingOptions... options) {
        return TokenWorkerProperties.fromEnvironment(environment(environment, options), optionNames(options));
    }

    /** The process environment with the options given on the command line laid over it. */
    static Map<String, String> environment(Map<String, String> processEnvironment, SettingOptions... options) {
        Map<String, String> overrides = new HashMap<>();
        for (SettingOptions group : options) {
            group.values.forEach((setting, value) -> overrides.put(setting.name(), value));
        }
        return TokenWorkerProperties.overlay(processEnvironment, overrides);
    }

    static Map<Setting, String> optionNames(SettingOptions... options) {
        Map<Setting, String> names = new EnumMap<>(Setting.class);
        for (SettingOptions group : options) {
            names.putAll(group.optionNames);
        }
        return names;
    }
}
