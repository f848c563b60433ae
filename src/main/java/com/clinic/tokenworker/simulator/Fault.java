package com.clinic.tokenworker.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour the fake server can inject into one token-endpoint request.
 *
 * <p>Faults fall into two groups, and the difference is what the worker must survive:
 * <ul>
 *   <li>{@link Timing#INSTEAD_OF_PROCESSING}: the request never reaches the grant state. A code stays unused, a
 *       refresh token stays active, so a retry can succeed. ({@link RateLimited}, {@link ServerError},
 *       {@link InvalidGrant})</li>
 *   <li>{@link Timing#AFTER_PROCESSING}: the server does the work (consumes the code, rotates the refresh token)
 *       and only the answer is damaged. The worker cannot learn the new tokens, and a naive retry gets
 *       {@code invalid_grant}. ({@link GarbageBody}, {@link OversizedBody}, {@link LostResponse},
 *       {@link Slow})</li>
 * </ul>
 */
public sealed interface Fault {

    enum Timing { INSTEAD_OF_PROCESSING, AFTER_PROCESSING }

    Timing timing();

    /** Short name for counters and logs; never includes request data. */
    default String kind() {
        return getClass().getSimpleName();
    }

    /** 429. {@code retryAfter == null} sends no {@code Retry-After} header: Fullscript documents neither. */
    record RateLimited(Duration retryAfter) implements Fault {
        public RateLimited {
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative");
            }
        }

        public static RateLimited withoutRetryAfter() {
            return new RateLimited(null);
        }

        @Override
        public Timing timing() {
            return Timing.INSTEAD_OF_PROCESSING;
        }
    }

    /** A 5xx from Fullscript or a gateway in front of it. */
    record ServerError(int status) implements Fault {
        public ServerError {
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("status must be 500..599, was " + status);
            }
        }

        @Override
        public Timing timing() {
            return Timing.INSTEAD_OF_PROCESSING;
        }
    }

    /** 200 whose body is the real answer cut in half: not parseable JSON. */
    record GarbageBody() implements Fault {
        @Override
        public Timing timing() {
            return Timing.AFTER_PROCESSING;
        }
    }

    /** 200 with a body of exactly {@code bytes} bytes that never closes its JSON, to test the client's size cap. */
    record OversizedBody(int bytes) implements Fault {
        public OversizedBody {
            if (bytes < 64) {
                throw new IllegalArgumentException("an oversized body needs at least 64 bytes, was " + bytes);
            }
        }

        @Override
        public Timing timing() {
            return Timing.AFTER_PROCESSING;
        }
    }

    /** The correct answer, after {@code delay}: for client timeouts and for concurrency with slow peers. */
    record Slow(Duration delay) implements Fault {
        public Slow {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
        }

        @Override
        public Timing timing() {
            return Timing.AFTER_PROCESSING;
        }
    }

    /**
     * The server processes the request and then closes the connection without sending a status line. The JDK
     * {@code HttpClient} fails at once with an {@code IOException} (not a timeout). This is the case that makes
     * exactly-once hard: the code is gone and the tokens are lost.
     */
    record LostResponse() implements Fault {
        @Override
        public Timing timing() {
            return Timing.AFTER_PROCESSING;
        }
    }

    /** A forced 400 {@code invalid_grant}, leaving the real grant state untouched. */
    record InvalidGrant() implements Fault {
        @Override
        public Timing timing() {
            return Timing.INSTEAD_OF_PROCESSING;
        }
    }

    /**
     * The connection is closed before the request is processed: unlike {@link LostResponse} the code stays unused
     * and the refresh token active, so a retry succeeds. What a reset by a load balancer in front of Fullscript
     * looks like to the client.
     */
    record ConnectionReset() implements Fault {
        @Override
        public Timing timing() {
            return Timing.INSTEAD_OF_PROCESSING;
        }
    }

    /**
     * The correct answer, its headers at once and its body a few bytes at a time with {@code pause} between: a
     * client that bounds only the wait for headers (or each read) waits for ever.
     */
    record Trickle(int bytesPerWrite, Duration pause) implements Fault {
        public Trickle {
            Objects.requireNonNull(pause, "pause");
            if (bytesPerWrite < 1 || pause.isNegative()) {
                throw new IllegalArgumentException("bytesPerWrite must be at least 1 and pause not negative");
            }
        }

        @Override
        public Timing timing() {
            return Timing.AFTER_PROCESSING;
        }
    }

    /**
     * 200 with the real token answer, one field of its {@code oauth} object removed ({@code replacement == null})
     * or replaced by a string: a missing {@code access_token}, a 10 KB {@code refresh_token}, and so on.
     */
    record AlteredField(String field, String replacement) implements Fault {
        public AlteredField {
            Objects.requireNonNull(field, "field");
        }

        public static AlteredField missing(String field) {
            return new AlteredField(field, null);
        }

        public static AlteredField oversized(String field, int characters) {
            return new AlteredField(field, "x".repeat(characters));
        }

        @Override
        public String kind() {
            return replacement == null ? "MissingField" : "AlteredField";
        }

        @Override
        public Timing timing() {
            return Timing.AFTER_PROCESSING;
        }
    }
}
