package com.clinic.tokenworker.config;

/** One thing wrong with the configuration: which variable to set, what it expects, an example. */
public record ConfigurationProblem(String variable, String expectation, String example) {

    public static ConfigurationProblem of(Setting setting, String expectation, String example) {
        return new ConfigurationProblem(setting.name(), expectation, example);
    }

    @Override
    public String toString() {
        return variable + ": " + expectation + (example == null ? "" : " (example: " + variable + "=" + example + ")");
    }
}
