package com.clinic.tokenworker.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What clients sent, kept apart from the grant state so tests can assert exactly-once delivery whatever the
 * server answered (a code that hit a fault was still sent).
 */
final class Traffic {

    /** One request being served; filled in as it goes, read once it is answered. */
    static final class Call {
        private final SimulatorCall.Endpoint endpoint;
        private final Instant arrived;
        private final Clock clock;
        private volatile String code;
        private volatile String refreshToken;
        private volatile boolean rotatedAlready;
        private volatile boolean granted;
        private volatile Instant answeredAt;
        private volatile Instant decidedAt;
        private volatile int status;

        private Call(SimulatorCall.Endpoint endpoint, Clock clock) {
            this.endpoint = endpoint;
            this.clock = clock;
            this.arrived = clock.instant();
        }

        void carried(String code, String refreshToken, boolean rotatedAlready) {
            this.code = code;
            this.refreshToken = refreshToken;
            this.rotatedAlready = rotatedAlready;
        }

        void decided() {
            this.decidedAt = clock.instant();
        }

        void granted() {
            this.granted = true;
        }

        void answered(int status) {
            this.status = status;
            this.answeredAt = clock.instant();
        }

        SimulatorCall snapshot() {
            return new SimulatorCall(endpoint, code, refreshToken, rotatedAlready, arrived,
                    java.util.Optional.ofNullable(decidedAt), java.util.Optional.ofNullable(answeredAt), status,
                    granted);
        }
    }

    private final Clock clock;
    private final java.util.Queue<Call> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Traffic(Clock clock) {
        this.clock = clock;
    }

    Call begin(SimulatorCall.Endpoint endpoint) {
        Call call = new Call(endpoint, clock);
        calls.add(call);
        return call;
    }

    List<SimulatorCall> calls() {
        return calls.stream().map(Call::snapshot).toList();
    }

    private final Map<String, AtomicInteger> codeSends = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refreshTokenSends = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> faultsByKind = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> responsesByStatus = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong revokeRequests = new AtomicLong();
    private final AtomicLong staleRefreshTokenUses = new AtomicLong();
    private final AtomicLong droppedResponses = new AtomicLong();

    void tokenRequest() {
        tokenRequests.incrementAndGet();
    }

    void revokeRequest() {
        revokeRequests.incrementAndGet();
    }

    void codeSent(String code) {
        codeSends.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
    }

    void refreshTokenSent(String refreshToken) {
        refreshTokenSends.computeIfAbsent(refreshToken, k -> new AtomicInteger()).incrementAndGet();
    }

    void staleRefreshTokenUse() {
        staleRefreshTokenUses.incrementAndGet();
    }

    void faultApplied(Fault fault) {
        faultsByKind.computeIfAbsent(fault.kind(), k -> new AtomicLong()).incrementAndGet();
    }

    void responded(int status) {
        responsesByStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }

    void dropped() {
        droppedResponses.incrementAndGet();
    }

    int timesCodeSent(String code) {
        AtomicInteger n = codeSends.get(code);
        return n == null ? 0 : n.get();
    }

    int timesRefreshTokenSent(String refreshToken) {
        AtomicInteger n = refreshTokenSends.get(refreshToken);
        return n == null ? 0 : n.get();
    }

    List<String> codesSentMoreThanOnce() {
        return codeSends.entrySet().stream()
                .filter(e -> e.getValue().get() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .collect(Collectors.toList());
    }

    long tokenRequestCount() {
        return tokenRequests.get();
    }

    long revokeRequestCount() {
        return revokeRequests.get();
    }

    long staleRefreshTokenUses() {
        return staleRefreshTokenUses.get();
    }

    long droppedResponses() {
        return droppedResponses.get();
    }

    Map<String, Long> faultsByKind() {
        return snapshot(faultsByKind);
    }

    Map<String, Long> responsesByStatus() {
        Map<String, Long> out = new TreeMap<>();
        responsesByStatus.forEach((status, n) -> out.put(String.valueOf(status), n.get()));
        return out;
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, n) -> out.put(k, n.get()));
        return out;
    }
}
