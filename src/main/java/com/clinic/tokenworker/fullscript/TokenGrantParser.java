package com.clinic.tokenworker.fullscript;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code {"oauth": {...}}} body. A body that lacks what we need is malformed, and malformed is
 * treated as transient by the caller; the messages name fields, never values.
 */
final class TokenGrantParser {

    private TokenGrantParser() {
    }

    static TokenGrant parse(JsonNode root) {
        JsonNode oauth = root.path("oauth");
        if (!oauth.isObject()) {
            throw new MalformedResponseException("no \"oauth\" object");
        }
        String accessToken = requiredText(oauth, "access_token");
        Optional<String> refreshToken = optionalText(oauth, "refresh_token");
        String tokenType = optionalText(oauth, "token_type").orElse("Bearer");
        String scope = optionalText(oauth, "scope").orElse("");
        Duration expiresIn = Duration.ofSeconds(positiveSeconds(oauth.path("expires_in")));
        Instant createdAt = instant(oauth.path("created_at"));
        JsonNode owner = oauth.path("resource_owner");
        if (!owner.isObject()) {
            throw new MalformedResponseException("no \"resource_owner\" object");
        }
        String ownerId = requiredScalar(owner, "id", "resource_owner.id");
        String ownerType = requiredText(owner, "type");
        return new TokenGrant(accessToken, refreshToken, tokenType, scope, createdAt, expiresIn, ownerId, ownerType);
    }

    private static String requiredText(JsonNode node, String field) {
        return optionalText(node, field)
                .orElseThrow(() -> new MalformedResponseException("missing or empty \"" + field + "\""));
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.stringValue().isBlank() ? Optional.of(value.stringValue()) : Optional.empty();
    }

    /** Fullscript ids are strings (UUID-like); a number is accepted and kept as its decimal text. */
    private static String requiredScalar(JsonNode node, String field, String label) {
        JsonNode value = node.path(field);
        if (value.isString() && !value.stringValue().isBlank()) {
            return value.stringValue();
        }
        if (value.isIntegralNumber()) {
            return value.asString();
        }
        throw new MalformedResponseException("missing or empty \"" + label + "\"");
    }

    /** The OpenAPI schema types expires_in as a string, the examples as a number: accept both. */
    private static long positiveSeconds(JsonNode value) {
        long seconds;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            seconds = value.longValue();
        } else if (value.isString() && value.stringValue().trim().matches("\\d{1,9}")) {
            seconds = Long.parseLong(value.stringValue().trim());
        } else {
            throw new MalformedResponseException("\"expires_in\" is not a number of seconds");
        }
        if (seconds <= 0) {
            throw new MalformedResponseException("\"expires_in\" is not positive");
        }
        return seconds;
    }

    private static Instant instant(JsonNode value) {
        if (!value.isString()) {
            throw new MalformedResponseException("missing \"created_at\"");
        }
        try {
            return Instant.parse(value.stringValue());
        } catch (DateTimeParseException e) {
            throw new MalformedResponseException("\"created_at\" is not an ISO-8601 instant");
        }
    }
}
