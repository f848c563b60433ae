package com.clinic.tokenworker.exchange;

import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The exchange step's outcome counts, kept in the step's execution context (so they are in the job tables and
 * survive between passes) and summarised into its exit description.
 */
public enum ExchangeTally {
    EXCHANGED,
    FAILED,
    EXPIRED,
    RETRIED,
    RELEASED;

    public String key() {
        return "exchange." + name().toLowerCase(java.util.Locale.ROOT);
    }

    public void add(ExecutionContext context, long count) {
        if (count != 0) {
            context.putLong(key(), context.getLong(key(), 0L) + count);
        }
    }

    public long get(ExecutionContext context) {
        return context.getLong(key(), 0L);
    }

    public static String summary(ExecutionContext context) {
        return java.util.Arrays.stream(values())
                .map(t -> t.name().toLowerCase(java.util.Locale.ROOT) + "=" + t.get(context))
                .collect(Collectors.joining(" "));
    }

    public static ExchangeTally of(ExchangeOutcome outcome) {
        if (outcome instanceof ExchangeOutcome.Exchanged) {
            return EXCHANGED;
        }
        if (outcome instanceof ExchangeOutcome.Failed) {
            return FAILED;
        }
        if (outcome instanceof ExchangeOutcome.Expired) {
            return EXPIRED;
        }
        if (outcome instanceof ExchangeOutcome.RetryLater) {
            return RETRIED;
        }
        return RELEASED;
    }

    public static Map<String, Long> asMap(ExecutionContext context) {
        return java.util.Arrays.stream(values()).collect(Collectors.toMap(ExchangeTally::key, t -> t.get(context)));
    }
}
