package com.clinic.tokenworker.fullscript;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code {"oauth": {...}}} body. By the time we read it Fullscript has already used the code or
 * rotated the refresh token, so only what we cannot do without makes a body malformed (the access token, and for
 * a code the user it belongs to); anything else that is missing or unusable falls back to a safe value rather
 * than throw the grant away. Whatever is kept must also be storable in PostgreSQL. Messages name fields, never
 * values.
 */
final class TokenGrantParser {

    /** Fullscript's documented access-token life, used when expires_in is missing or unusable. */
    static final Duration DOCUMENTED_LIFETIME = Duration.ofHours(2);
    /** Longer lifetimes are not believed: a token we think valid for years would never be refreshed. */
    static final long MAX_EXPIRES_IN_SECONDS = Duration.ofDays(1).toSeconds();
    /**
     * How far Fullscript's created_at may lie from our receipt time and still be believed. It is moments before the
     * answer; anything further off is a skewed clock, and believing it would move expires_at (a token not refreshed
     * in time, or refreshed at every run) and authorized_at (a real re-authorization losing to a "future" one).
     */
    static final Duration CREATED_AT_BEFORE_RECEIPT = Duration.ofMinutes(5);
    static final Duration CREATED_AT_AFTER_RECEIPT = Duration.ofMinutes(1);

    private TokenGrantParser() {
    }

    /**
     * @param receivedAt when the answer arrived: stands in for a missing or implausible {@code created_at}, which
     *                   makes the token expire a little later than Fullscript thinks, well inside the margin
     * @param knownOwner for a refresh, the user the row already names: a refresh answer needs no resource_owner
     */
    static TokenGrant parse(JsonNode root, Instant receivedAt, Optional<ResourceOwnerRef> knownOwner) {
        JsonNode oauth = root.path("oauth");
        if (!oauth.isObject()) {
            throw new MalformedResponseException("no \"oauth\" object");
        }
        String accessToken = requiredToken(oauth, "access_token");
        Optional<String> refreshToken = optionalText(oauth, "refresh_token").map(value -> {
            requireStorable(value, "refresh_token");
            return value;
        });
        String tokenType = optionalText(oauth, "token_type").map(TokenGrantParser::printable).orElse("Bearer");
        String scope = optionalText(oauth, "scope").map(TokenGrantParser::printable).orElse("");
        Duration expiresIn = seconds(oauth.path("expires_in")).orElse(DOCUMENTED_LIFETIME);
        Instant createdAt = instant(oauth.path("created_at"), receivedAt).orElse(receivedAt);
        ResourceOwnerRef owner = owner(oauth.path("resource_owner")).or(() -> knownOwner)
                .orElseThrow(() -> new MalformedResponseException("no usable \"resource_owner\" (id and type)"));
        return new TokenGrant(accessToken, refreshToken, tokenType, scope, createdAt, expiresIn, owner.id(),
                owner.type());
    }

    private static String requiredToken(JsonNode node, String field) {
        String value = optionalText(node, field)
                .orElseThrow(() -> new MalformedResponseException("missing or empty \"" + field + "\""));
        requireStorable(value, field);
        return value;
    }

    /** A NUL cannot be stored in a PostgreSQL text column; a token carrying one is not a token we can use. */
    private static void requireStorable(String value, String field) {
        if (value.indexOf('\0') >= 0 || value.length() > 8192) {
            throw new MalformedResponseException("\"" + field + "\" is not a usable token");
        }
    }

    private static String printable(String value) {
        String cleaned = value.replaceAll("\\p{Cntrl}", "");
        return cleaned.length() > 1000 ? cleaned.substring(0, 1000) : cleaned;
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.stringValue().isBlank() ? Optional.of(value.stringValue()) : Optional.empty();
    }

    private static Optional<ResourceOwnerRef> owner(JsonNode owner) {
        if (!owner.isObject()) {
            return Optional.empty();
        }
        JsonNode id = owner.path("id");
        Optional<String> ownerId = id.isString() && !id.stringValue().isBlank() ? Optional.of(id.stringValue())
                : id.isIntegralNumber() ? Optional.of(id.asString()) : Optional.empty();
        Optional<String> type = optionalText(owner, "type");
        if (ownerId.isEmpty() || type.isEmpty()) {
            return Optional.empty();
        }
        String cleanId = printable(ownerId.get());
        String cleanType = printable(type.get());
        if (cleanId.isEmpty() || cleanType.isEmpty() || cleanId.length() > 200 || cleanType.length() > 100) {
            return Optional.empty();
        }
        return Optional.of(new ResourceOwnerRef(cleanType, cleanId));
    }

    /** The OpenAPI schema types expires_in as a string, the examples as a number: accept both. */
    private static Optional<Duration> seconds(JsonNode value) {
        long seconds;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            seconds = value.longValue();
        } else if (value.isString() && value.stringValue().trim().matches("\\d{1,9}")) {
            seconds = Long.parseLong(value.stringValue().trim());
        } else {
            return Optional.empty();
        }
        return seconds > 0 && seconds <= MAX_EXPIRES_IN_SECONDS ? Optional.of(Duration.ofSeconds(seconds))
                : Optional.empty();
    }

    private static Optional<Instant> instant(JsonNode value, Instant receivedAt) {
        if (!value.isString()) {
            return Optional.empty();
        }
        try {
            Instant parsed = Instant.parse(value.stringValue());
            boolean plausible = !parsed.isBefore(receivedAt.minus(CREATED_AT_BEFORE_RECEIPT))
                    && !parsed.isAfter(receivedAt.plus(CREATED_AT_AFTER_RECEIPT));
            return plausible ? Optional.of(parsed) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
