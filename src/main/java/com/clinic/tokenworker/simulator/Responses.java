package com.clinic.tokenworker.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON bodies Fullscript answers with, shaped as documented in FULLSCRIPT.md. */
final class Responses {

    static final DateTimeFormatter ISO_MILLIS_UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final JsonMapper mapper;
    private final SimulatorOptions options;

    Responses(JsonMapper mapper, SimulatorOptions options) {
        this.mapper = mapper;
        this.options = options;
    }

    HttpAnswer.Reply tokens(IssuedTokens tokens) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode oauth = root.putObject("oauth");
        oauth.put("access_token", tokens.accessToken());
        oauth.put("token_type", "Bearer");
        long expiresIn = tokens.expiresIn().toSeconds();
        if (options.expiresInAsString()) {
            oauth.put("expires_in", String.valueOf(expiresIn));
        } else {
            oauth.put("expires_in", expiresIn);
        }
        if (tokens.refreshToken() != null) {
            oauth.put("refresh_token", tokens.refreshToken());
        }
        oauth.put("scope", options.scope());
        oauth.put("created_at", isoMillis(tokens.createdAt()));
        ObjectNode owner = oauth.putObject("resource_owner");
        owner.put("id", tokens.owner().id());
        owner.put("type", tokens.owner().type().wireName());
        return new HttpAnswer.Reply(200, mapper.writeValueAsBytes(root));
    }

    HttpAnswer.Reply error(OAuthError error, String description) {
        ObjectNode body = mapper.createObjectNode();
        body.put("error", error.code());
        body.put("error_description", description);
        return new HttpAnswer.Reply(error.status(), mapper.writeValueAsBytes(body));
    }

    HttpAnswer.Reply emptyObject() {
        return new HttpAnswer.Reply(200, "{}".getBytes(StandardCharsets.UTF_8));
    }

    /** Rails' shape, not OAuth's: unknown routes never reach Doorkeeper. */
    HttpAnswer.Reply notFound() {
        ObjectNode body = mapper.createObjectNode();
        body.put("status", 404);
        body.put("error", "Not Found");
        return new HttpAnswer.Reply(404, mapper.writeValueAsBytes(body));
    }

    HttpAnswer.Reply status(int status, String error) {
        ObjectNode body = mapper.createObjectNode();
        body.put("status", status);
        body.put("error", error);
        return new HttpAnswer.Reply(status, mapper.writeValueAsBytes(body));
    }

    HttpAnswer.Reply json(int status, Object value) {
        return new HttpAnswer.Reply(status, mapper.writeValueAsBytes(value));
    }

    static String isoMillis(Instant instant) {
        return ISO_MILLIS_UTC.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
