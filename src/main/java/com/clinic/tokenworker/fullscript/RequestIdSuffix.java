package com.clinic.tokenworker.fullscript;

import java.util.Optional;

/**
 * The {@code [X-Request-Id ...]} suffix of a reason stored in last_error: Fullscript support asks for the id, and
 * the header is server-controlled text, so only a short printable form of it is kept.
 */
public final class RequestIdSuffix {

    private RequestIdSuffix() {
    }

    public static String of(Optional<String> requestId) {
        return requestId.map(id -> " [X-Request-Id " + printable(id) + "]").orElse("");
    }

    private static String printable(String value) {
        String cleaned = value.replaceAll("[^\\p{Print}]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }
}
