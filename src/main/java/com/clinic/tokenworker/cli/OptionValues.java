package com.clinic.tokenworker.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How typed option values are read, for every command at once: a mistake says what was expected with an example,
 * as a mistaken variable does, instead of picocli's "'abc' is not an int" or a raw DateTimeParseException.
 */
final class OptionValues {

    private OptionValues() {
    }

    static void register(CommandLine commandLine) {
        ITypeConverter<Integer> integer = value -> parse(value, Integer::valueOf, "a whole number such as 10");
        ITypeConverter<Long> longInteger = value -> parse(value, Long::valueOf, "a whole number such as 42");
        ITypeConverter<Double> decimal = value -> parse(value, Double::valueOf, "a number such as 0.1");
        commandLine.registerConverter(Integer.class, integer);
        commandLine.registerConverter(int.class, integer);
        commandLine.registerConverter(Long.class, longInteger);
        commandLine.registerConverter(long.class, longInteger);
        commandLine.registerConverter(Double.class, decimal);
        commandLine.registerConverter(double.class, decimal);
        commandLine.registerConverter(Duration.class, new IsoDurationConverter());
    }

    private static <T> T parse(String value, java.util.function.Function<String, T> parser, String expected) {
        try {
            return parser.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("expected " + expected + ", got '" + value + "'");
        }
    }
}
