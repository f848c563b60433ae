package com.clinic.tokenworker.metrics;

import java.util.Locale;

/** Which of Fullscript's OAuth operations a call was: the {@code kind} label of the call metrics. */
public enum CallKind {
    EXCHANGE,
    REFRESH,
    REVOKE;

    /** The label value: {@code exchange}, {@code refresh}, {@code revoke}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
