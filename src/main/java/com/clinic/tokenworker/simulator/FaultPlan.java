package com.clinic.tokenworker.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which fault, if any, the next token request gets. Precedence, most specific first: a fault aimed at
 * the request's code, then one aimed at its refresh token, then the FIFO queue, then the random draw. A fault
 * is used up only when it is actually applied.
 */
final class FaultPlan {

    private static final class Targeted {
        final Fault fault;
        int remaining;

        Targeted(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final Deque<Fault> queue = new ArrayDeque<>();
    private final Map<String, Targeted> byCode = new HashMap<>();
    private final Map<String, Targeted> byRefreshToken = new HashMap<>();
    private final RandomFaults randomFaults;

    /** @param randomFaults null when no random faults are configured */
    FaultPlan(RandomFaults randomFaults) {
        this.randomFaults = randomFaults;
    }

    synchronized void enqueue(Fault fault) {
        queue.addLast(Objects.requireNonNull(fault, "fault"));
    }

    synchronized void forCode(String code, Fault fault, int times) {
        byCode.put(Objects.requireNonNull(code, "code"), targeted(fault, times));
    }

    synchronized void forRefreshToken(String refreshToken, Fault fault, int times) {
        byRefreshToken.put(Objects.requireNonNull(refreshToken, "refreshToken"), targeted(fault, times));
    }

    synchronized void clear() {
        queue.clear();
        byCode.clear();
        byRefreshToken.clear();
    }

    /** @param code and {@code refreshToken} may be null when the request does not carry them */
    Optional<Fault> next(String code, String refreshToken) {
        synchronized (this) {
            Optional<Fault> planned = take(byCode, code)
                    .or(() -> take(byRefreshToken, refreshToken))
                    .or(() -> Optional.ofNullable(queue.pollFirst()));
            if (planned.isPresent()) {
                return planned;
            }
        }
        return randomFaults == null ? Optional.empty() : randomFaults.roll();
    }

    private static Optional<Fault> take(Map<String, Targeted> targets, String key) {
        if (key == null) {
            return Optional.empty();
        }
        Targeted target = targets.get(key);
        if (target == null) {
            return Optional.empty();
        }
        if (--target.remaining == 0) {
            targets.remove(key);
        }
        return Optional.of(target.fault);
    }

    private static Targeted targeted(Fault fault, int times) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        return new Targeted(fault, times);
    }
}
