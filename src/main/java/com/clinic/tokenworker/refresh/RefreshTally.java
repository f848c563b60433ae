package com.clinic.tokenworker.refresh;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The refresh step's outcome counts, kept in the step's execution context (so they are in the job tables and
 * survive between passes) and summarised into its exit description.
 */
public enum RefreshTally {
    /** A new pair is stored. */
    REFRESHED,
    /** invalid_grant: the user must authorize again. */
    REAUTH_REQUIRED,
    /** Transient failure, backed off (next_refresh_at). */
    RETRIED,
    /** Not sent because of our configuration (missing decryption key, disabled region). */
    HELD_BACK,
    /** Another writer changed the row during the call (a newer token, a revocation request): ours was discarded. */
    SUPERSEDED,
    /** Claimed but not sent: lease too short, changed since the claim, or the job stopped. */
    NOT_SENT;

    public String key() {
        return "refresh." + name().toLowerCase(Locale.ROOT);
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
        return Arrays.stream(values())
                .map(t -> t.name().toLowerCase(Locale.ROOT) + "=" + t.get(context))
                .collect(Collectors.joining(" "));
    }

    public static Map<String, Long> asMap(ExecutionContext context) {
        return Arrays.stream(values()).collect(Collectors.toMap(RefreshTally::key, t -> t.get(context)));
    }
}
