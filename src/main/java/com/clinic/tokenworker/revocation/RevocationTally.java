package com.clinic.tokenworker.revocation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** The revocation step's outcome counts, in its execution context and summarised into its exit description. */
public enum RevocationTally {
    /** Revoked at Fullscript, tokens wiped, REVOKED. */
    REVOKED,
    /** Transient failure, backed off (next_refresh_at). */
    RETRIED,
    /** Not sent because of our configuration (missing decryption key, disabled region). */
    HELD_BACK,
    /** Claimed but not sent or not recorded: lease too short, or the row changed meanwhile. */
    NOT_SENT;

    public String key() {
        return "revoke." + name().toLowerCase(Locale.ROOT);
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
}
