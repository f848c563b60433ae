package com.clinic.tokenworker.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Reads and writes a step's outcome counts in its execution context, and says them as the exit description does. */
public final class TallyCounts {

    private TallyCounts() {
    }

    public static String key(String prefix, Enum<?> tally) {
        return prefix + "." + name(tally);
    }

    public static void add(ExecutionContext context, String key, long count) {
        if (count != 0) {
            context.putLong(key, context.getLong(key, 0L) + count);
        }
    }

    /** {@code exchanged=1 failed=0 ...}, in the order the step declares its counts. */
    public static <E extends Enum<E>> String summary(ExecutionContext context, WorkStep<E> step) {
        return Arrays.stream(step.tallies().getEnumConstants())
                .map(t -> name(t) + "=" + context.getLong(step.key(t), 0L))
                .collect(Collectors.joining(" "));
    }

    private static String name(Enum<?> tally) {
        return tally.name().toLowerCase(Locale.ROOT);
    }
}
