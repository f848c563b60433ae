package com.clinic.tokenworker.config;

import java.util.List;
import java.util.stream.Collectors;

/** Raised before anything is touched: no database, no network. Its message is meant for a person, not a trace. */
public class InvalidConfigurationException extends RuntimeException {

    private final List<ConfigurationProblem> problems;

    public InvalidConfigurationException(List<ConfigurationProblem> problems) {
        super("invalid configuration:\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigurationProblem> problems() {
        return problems;
    }
}
