package com.clinic.tokenworker.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The OAuth state of one fake Fullscript application: codes, grants and their tokens, with Doorkeeper's rules
 * (single-use codes, rotation that kills the previous pair at once, revocation of a whole grant).
 *
 * <p>One lock guards everything: each operation touches a few map entries, so contention is negligible even
 * with thousands of codes, and a single lock makes check-then-consume trivially atomic.
 */
final class GrantStore {

    enum CodeState { UNUSED, REDEEMED }

    /** ROTATED and REVOKED are kept apart so a client reusing a rotated refresh token can be told from one whose user revoked it. */
    enum TokenState { ACTIVE, ROTATED, REVOKED }

    private static final class AuthorizationCode {
        final String redirectUri;
        final ResourceOwner owner;
        final Instant expiresAt;
        final Duration firstAccessTokenLifetime;
        CodeState state = CodeState.UNUSED;

        AuthorizationCode(String redirectUri, ResourceOwner owner, Instant expiresAt,
                          Duration firstAccessTokenLifetime) {
            this.redirectUri = redirectUri;
            this.owner = owner;
            this.expiresAt = expiresAt;
            this.firstAccessTokenLifetime = firstAccessTokenLifetime;
        }
    }

    /** One user's authorization; holds its current token pair. */
    private static final class Grant {
        final ResourceOwner owner;
        Token access;
        Token refresh;

        Grant(ResourceOwner owner) {
            this.owner = owner;
        }
    }

    private static final class Token {
        final Grant grant;
        final Instant issuedAt;
        final Duration lifetime;
        TokenState state = TokenState.ACTIVE;

        Token(Grant grant, Instant issuedAt, Duration lifetime) {
            this.grant = grant;
            this.issuedAt = issuedAt;
            this.lifetime = lifetime;
        }
    }

    private final Clock clock;
    private final Duration codeLifetime;
    private final Duration accessTokenLifetime;
    private final SecretGenerator secrets = new SecretGenerator();

    private final Map<String, AuthorizationCode> codes = new HashMap<>();
    private final Map<String, Token> accessTokens = new HashMap<>();
    private final Map<String, Token> refreshTokens = new HashMap<>();
    private final List<Grant> grants = new ArrayList<>();

    GrantStore(Clock clock, Duration codeLifetime, Duration accessTokenLifetime) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.codeLifetime = codeLifetime;
        this.accessTokenLifetime = accessTokenLifetime;
    }

    synchronized MintedCode mintCode(String redirectUri, ResourceOwner owner) {
        return mintCode(redirectUri, owner, accessTokenLifetime);
    }

    /** @param firstAccessTokenLifetime lifetime of the access token this code yields; refreshes get the default */
    synchronized MintedCode mintCode(String redirectUri, ResourceOwner owner, Duration firstAccessTokenLifetime) {
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(owner, "owner");
        if (firstAccessTokenLifetime.isZero() || firstAccessTokenLifetime.isNegative()) {
            throw new IllegalArgumentException("firstAccessTokenLifetime must be positive");
        }
        String code = secrets.next();
        Instant expiresAt = clock.instant().plus(codeLifetime);
        codes.put(code, new AuthorizationCode(redirectUri, owner, expiresAt, firstAccessTokenLifetime));
        return new MintedCode(code, redirectUri, owner, expiresAt);
    }

    synchronized GrantResult exchange(String code, String redirectUri) {
        AuthorizationCode found = codes.get(code);
        if (found == null) {
            return new GrantResult.Rejected("The authorization code is unknown.");
        }
        if (found.state == CodeState.REDEEMED) {
            return new GrantResult.Rejected("The authorization code has already been used.");
        }
        if (clock.instant().isAfter(found.expiresAt)) {
            return new GrantResult.Rejected("The authorization code has expired.");
        }
        if (!found.redirectUri.equals(redirectUri)) {
            return new GrantResult.Rejected("The redirect_uri does not match the one used to obtain the code.");
        }
        found.state = CodeState.REDEEMED;
        Grant grant = new Grant(found.owner);
        grants.add(grant);
        return new GrantResult.Issued(issue(grant, true, found.firstAccessTokenLifetime));
    }

    /**
     * @param rotateRefreshToken false keeps the current refresh token alive, because a server that omits
     *                           {@code refresh_token} from the answer means "keep using the old one"
     */
    synchronized GrantResult refresh(String refreshToken, boolean rotateRefreshToken) {
        Token found = refreshTokens.get(refreshToken);
        if (found == null) {
            return new GrantResult.Rejected("The refresh token is unknown.");
        }
        switch (found.state) {
            case ROTATED:
                return new GrantResult.Rejected("The refresh token has already been used.");
            case REVOKED:
                return new GrantResult.Rejected("The refresh token has been revoked.");
            case ACTIVE:
                break;
        }
        Grant grant = found.grant;
        grant.access.state = TokenState.ROTATED;
        if (rotateRefreshToken) {
            grant.refresh.state = TokenState.ROTATED;
        }
        return new GrantResult.Issued(issue(grant, rotateRefreshToken, accessTokenLifetime));
    }

    /** Revokes the grant the token belongs to; unknown tokens are ignored, as RFC 7009 asks. */
    synchronized void revoke(String token) {
        Token found = accessTokens.get(token);
        if (found == null) {
            found = refreshTokens.get(token);
        }
        if (found != null) {
            revokeGrant(found.grant);
        }
    }

    /** @return how many grants the owner had that were still alive */
    synchronized int revokeGrantsOf(String resourceOwnerId) {
        int revoked = 0;
        for (Grant grant : grants) {
            if (grant.owner.id().equals(resourceOwnerId)) {
                if (grant.refresh.state == TokenState.ACTIVE) {
                    revoked++;
                }
                revokeGrant(grant);
            }
        }
        return revoked;
    }

    synchronized boolean isRefreshTokenActive(String refreshToken) {
        Token found = refreshTokens.get(refreshToken);
        return found != null && found.state == TokenState.ACTIVE;
    }

    synchronized boolean isRefreshTokenRotated(String refreshToken) {
        Token found = refreshTokens.get(refreshToken);
        return found != null && found.state == TokenState.ROTATED;
    }

    synchronized boolean isAccessTokenActive(String accessToken) {
        Token found = accessTokens.get(accessToken);
        return found != null
                && found.state == TokenState.ACTIVE
                && !clock.instant().isAfter(found.issuedAt.plus(found.lifetime));
    }

    synchronized java.util.Set<String> secretsIssued() {
        java.util.Set<String> all = new java.util.HashSet<>(codes.keySet());
        all.addAll(accessTokens.keySet());
        all.addAll(refreshTokens.keySet());
        return all;
    }

    synchronized int codesMinted() {
        return codes.size();
    }

    synchronized int activeGrants() {
        return (int) grants.stream().filter(g -> g.refresh.state == TokenState.ACTIVE).count();
    }

    private IssuedTokens issue(Grant grant, boolean newRefreshToken, Duration accessLifetime) {
        Instant now = clock.instant();
        grant.access = new Token(grant, now, accessLifetime);
        String accessToken = register(accessTokens, grant.access);
        String refreshToken = null;
        if (newRefreshToken) {
            // Refresh tokens do not expire; the lifetime is only there to give every Token one.
            grant.refresh = new Token(grant, now, accessLifetime);
            refreshToken = register(refreshTokens, grant.refresh);
        }
        return new IssuedTokens(accessToken, refreshToken, now, accessLifetime, grant.owner);
    }

    private String register(Map<String, Token> index, Token token) {
        String value = secrets.next();
        index.put(value, token);
        return value;
    }

    private static void revokeGrant(Grant grant) {
        if (grant.access.state == TokenState.ACTIVE) {
            grant.access.state = TokenState.REVOKED;
        }
        if (grant.refresh.state == TokenState.ACTIVE) {
            grant.refresh.state = TokenState.REVOKED;
        }
    }
}
