package com.clinic.tokenworker.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which expiring tokens are flagged REFRESH_DUE, and so refreshed ahead of time. It applies to the flag rather than
 * to the built-in refresh step, so an external pipeline fed by the flag follows it too.
 */
public enum RefreshPolicy {
    /** Every due token: about 12 refreshes per user per day. */
    ALL("all"),
    /** Only tokens used lately; the rest are refreshed on demand, their refresh tokens never expire. */
    RECENTLY_USED("recently-used");

    private final String value;

    RefreshPolicy(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<RefreshPolicy> fromValue(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equalsIgnoreCase(value.trim())).findFirst();
    }
}
