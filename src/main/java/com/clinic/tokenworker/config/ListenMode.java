package com.clinic.tokenworker.config;

import java.util.Arrays;
import java.util.Optional;

/** Whether {@code daemon} and {@code run --window} are woken by PostgreSQL notifications or only by the interval. */
public enum ListenMode {
    /** LISTEN, after checking at start that a notification really arrives; poll only when it does not. */
    AUTO("auto"),
    /** Poll every TOKENWORKER_INTERVAL; for a connection pooler in transaction mode, which cannot LISTEN. */
    OFF("off");

    private final String value;

    ListenMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<ListenMode> fromValue(String value) {
        return Arrays.stream(values()).filter(m -> m.value.equalsIgnoreCase(value.trim())).findFirst();
    }
}
