package com.clinic.tokenworker.config;

import java.util.Arrays;
import java.util.Optional;

/** Which due tokens the built-in refresh step refreshes ahead of time. */
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
