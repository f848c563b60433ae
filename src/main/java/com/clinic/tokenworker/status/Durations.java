package com.clinic.tokenworker.status;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How times and durations read in the status output. */
final class Durations {

    private Durations() {
    }

    static String instant(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** 850ms, 4.2s, 12m30s, 3h05m, 2d04h: precise where it is small, short where it is large. */
    static String human(Duration duration) {
        boolean negative = duration.isNegative();
        Duration d = duration.abs();
        String text;
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            text = d.toMillis() + "ms";
        } else if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            long tenths = d.toMillis() / 100;
            text = tenths % 10 == 0 ? (tenths / 10) + "s" : (tenths / 10) + "." + (tenths % 10) + "s";
        } else if (d.compareTo(Duration.ofHours(1)) < 0) {
            text = d.toMinutes() + "m" + pad(d.toSecondsPart()) + "s";
        } else if (d.compareTo(Duration.ofDays(1)) < 0) {
            text = d.toHours() + "h" + pad(d.toMinutesPart()) + "m";
        } else {
            text = d.toDays() + "d" + pad(d.toHoursPart()) + "h";
        }
        return negative ? "-" + text : text;
    }

    /** "12s ago"; a time slightly ahead of {@code now} (clocks of two hosts) reads "just now", not a negative age. */
    static String ago(Instant then, Instant now) {
        Duration age = Duration.between(then, now);
        return age.isNegative() ? "just now" : human(age) + " ago";
    }

    private static String pad(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }
}
