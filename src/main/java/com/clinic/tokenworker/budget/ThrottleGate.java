package com.clinic.tokenworker.budget;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Fullscript's 429 applies to the whole app, so one worker's 429 pauses every worker: the pause is a row in
 * PostgreSQL that only ever moves later.
 */
@Component
public class ThrottleGate {

    private final JdbcClient jdbc;

    public ThrottleGate(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void pauseUntil(Instant until, String reason) {
        jdbc.sql("""
                        UPDATE tokenworker_throttle
                        SET paused_until = :until, reason = :reason
                        WHERE id = 1 AND paused_until < :until
                        """)
                .param("until", SqlTime.of(until))
                .param("reason", reason)
                .update();
    }

    /** The end of the current pause, if one is running at {@code now}. */
    public Optional<Instant> pausedUntil(Instant now) {
        return jdbc.sql("SELECT paused_until FROM tokenworker_throttle WHERE id = 1")
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
                .optional()
                .map(OffsetDateTime::toInstant)
                .filter(until -> until.isAfter(now));
    }
}
