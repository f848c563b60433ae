package com.clinic.tokenworker.fullscript;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 10.2.3); both are honoured. */
final class RetryAfter {

    /** A server asking for more than this is capped: a code cannot wait longer than its own lifetime. */
    static final Duration MAX = Duration.ofMinutes(10);

    /**
     * "0" or a date already past would let every pass hit the 429 again at once, each spending a permit, until the
     * budget is gone: a pause is never shorter than this.
     */
    static final Duration MIN = Duration.ofSeconds(5);

    private RetryAfter() {
    }

    static Optional<Duration> parse(Optional<String> header, Clock clock) {
        return header.map(String::trim).filter(v -> !v.isEmpty()).flatMap(value -> {
            if (value.matches("\\d{1,9}")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            }
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration delay = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }).map(d -> d.compareTo(MAX) > 0 ? MAX : d.compareTo(MIN) < 0 ? MIN : d);
    }
}
