package com.clinic.tokenworker.fullscript;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Fullscript runs separate servers, with separate app credentials, for the US and Canada. A token can only be
 * refreshed or revoked on the server of the region that issued it.
 */
public enum Region {
    US("us"),
    CA("ca");

    private final String code;

    Region(String code) {
        this.code = code;
    }

    /** The value stored in the {@code region} columns. */
    public String code() {
        return code;
    }

    /** Prefix of this region's environment variables, e.g. {@code FULLSCRIPT_US_}. */
    public String variablePrefix() {
        return "FULLSCRIPT_" + name() + "_";
    }

    public static Optional<Region> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String normalized = code.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.code.equals(normalized)).findFirst();
    }
}
