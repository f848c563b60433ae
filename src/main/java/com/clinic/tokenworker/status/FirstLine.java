package com.clinic.tokenworker.status;

/** Messages as the report shows them. */
final class FirstLine {

    private static final int LIMIT = 500;

    private FirstLine() {
    }

    /** Batch keeps whole stack traces in exit messages; the first line says what happened. */
    static String of(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= LIMIT ? line : line.substring(0, LIMIT) + "...";
    }
}
