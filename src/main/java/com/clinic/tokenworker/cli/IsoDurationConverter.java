package com.clinic.tokenworker.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Duration options read like the duration variables: ISO-8601, and a mistake says so with an example. */
final class IsoDurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("expected an ISO-8601 duration such as PT4M (4 minutes), "
                    + "PT30S or PT0.3S, got '" + value + "'");
        }
    }
}
