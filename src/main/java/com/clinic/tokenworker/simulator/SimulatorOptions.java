package com.clinic.tokenworker.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How one fake Fullscript server behaves. One instance imitates one Fullscript region for one application, so
 * it has exactly one client id and secret; run two servers to imitate US and Canada.
 *
 * <p>The four {@code *Rate} fields are probabilities (0..1, summing to at most 1) that a token request gets that
 * fault at random; they exist for the standalone {@code simulate} command. Tests prefer the deterministic
 * {@link FakeFullscriptServer#enqueueFault} and friends.
 *
 * @param expiresInAsString         send {@code "expires_in":"7200"}: the OpenAPI schema says string, the examples
 *                                  say number, and the client must accept both
 * @param omitRefreshTokenOnRefresh answer a refresh without {@code refresh_token}; the old refresh token then
 *                                  stays valid (RFC 6749 6), so the client must keep it
 */
public record SimulatorOptions(
        String bindAddress,
        int port,
        String clientId,
        String clientSecret,
        String defaultRedirectUri,
        String scope,
        Duration accessTokenLifetime,
        Duration codeLifetime,
        Duration latency,
        double rateLimitedRate,
        double serverErrorRate,
        double lostResponseRate,
        double invalidGrantRate,
        long randomSeed,
        boolean expiresInAsString,
        boolean omitRefreshTokenOnRefresh) {

    public SimulatorOptions {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(defaultRedirectUri, "defaultRedirectUri");
        Objects.requireNonNull(scope, "scope");
        requirePositive(accessTokenLifetime, "accessTokenLifetime");
        requirePositive(codeLifetime, "codeLifetime");
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or more (e.g. PT0.3S), was " + latency);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535 (0 picks a free one), was " + port);
        }
        double sum = requireProbability(rateLimitedRate, "rateLimitedRate")
                + requireProbability(serverErrorRate, "serverErrorRate")
                + requireProbability(lostResponseRate, "lostResponseRate")
                + requireProbability(invalidGrantRate, "invalidGrantRate");
        if (sum > 1.0) {
            throw new IllegalArgumentException("the four fault rates share the same requests and must sum to at "
                    + "most 1, was " + sum);
        }
    }

    public static SimulatorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    boolean hasRandomFaults() {
        return rateLimitedRate + serverErrorRate + lostResponseRate + invalidGrantRate > 0;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration (e.g. PT2H), was " + d);
        }
    }

    private static double requireProbability(double p, String name) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a share from 0 to 1 (e.g. 0.1), was " + p);
        }
        return p;
    }

    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port = 0;
        private String clientId = "simulator-client-id";
        private String clientSecret = "simulator-client-secret";
        private String defaultRedirectUri = "http://localhost:8080/oauth/fullscript/callback";
        private String scope = "catalog:read patients:read";
        private Duration accessTokenLifetime = Duration.ofSeconds(7200);
        private Duration codeLifetime = Duration.ofMinutes(10);
        private Duration latency = Duration.ZERO;
        private double rateLimitedRate;
        private double serverErrorRate;
        private double lostResponseRate;
        private double invalidGrantRate;
        private long randomSeed = 42L;
        private boolean expiresInAsString;
        private boolean omitRefreshTokenOnRefresh;

        private Builder() {
        }

        private Builder(SimulatorOptions o) {
            bindAddress = o.bindAddress;
            port = o.port;
            clientId = o.clientId;
            clientSecret = o.clientSecret;
            defaultRedirectUri = o.defaultRedirectUri;
            scope = o.scope;
            accessTokenLifetime = o.accessTokenLifetime;
            codeLifetime = o.codeLifetime;
            latency = o.latency;
            rateLimitedRate = o.rateLimitedRate;
            serverErrorRate = o.serverErrorRate;
            lostResponseRate = o.lostResponseRate;
            invalidGrantRate = o.invalidGrantRate;
            randomSeed = o.randomSeed;
            expiresInAsString = o.expiresInAsString;
            omitRefreshTokenOnRefresh = o.omitRefreshTokenOnRefresh;
        }

        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder clientSecret(String v) { clientSecret = v; return this; }
        public Builder defaultRedirectUri(String v) { defaultRedirectUri = v; return this; }
        public Builder scope(String v) { scope = v; return this; }
        public Builder accessTokenLifetime(Duration v) { accessTokenLifetime = v; return this; }
        public Builder codeLifetime(Duration v) { codeLifetime = v; return this; }
        public Builder latency(Duration v) { latency = v; return this; }
        public Builder rateLimitedRate(double v) { rateLimitedRate = v; return this; }
        public Builder serverErrorRate(double v) { serverErrorRate = v; return this; }
        public Builder lostResponseRate(double v) { lostResponseRate = v; return this; }
        public Builder invalidGrantRate(double v) { invalidGrantRate = v; return this; }
        public Builder randomSeed(long v) { randomSeed = v; return this; }
        public Builder expiresInAsString(boolean v) { expiresInAsString = v; return this; }
        public Builder omitRefreshTokenOnRefresh(boolean v) { omitRefreshTokenOnRefresh = v; return this; }

        public SimulatorOptions build() {
            return new SimulatorOptions(bindAddress, port, clientId, clientSecret, defaultRedirectUri, scope,
                    accessTokenLifetime, codeLifetime, latency, rateLimitedRate, serverErrorRate,
                    lostResponseRate, invalidGrantRate, randomSeed, expiresInAsString, omitRefreshTokenOnRefresh);
        }
    }
}
