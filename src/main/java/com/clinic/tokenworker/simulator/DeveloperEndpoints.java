package com.clinic.tokenworker.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /simulator/*}: stands in for the Fullscript consent screen, which the simulator does not have, and
 * exposes counters. Unauthenticated on purpose: the server binds to loopback and holds only fake data.
 */
final class DeveloperEndpoints {

    private final SimulatorOptions options;
    private final GrantStore store;
    private final Responses responses;
    private final JsonMapper mapper;
    private final Supplier<SimulatorStats> stats;

    DeveloperEndpoints(SimulatorOptions options, GrantStore store, Responses responses, JsonMapper mapper,
                       Supplier<SimulatorStats> stats) {
        this.options = options;
        this.store = store;
        this.responses = responses;
        this.mapper = mapper;
        this.stats = stats;
    }

    HttpAnswer mintCode(byte[] rawBody) {
        JsonBody body = null;
        if (rawBody.length > 0) {
            Optional<JsonBody> parsed = JsonBody.parse(mapper, rawBody);
            if (parsed.isEmpty()) {
                return responses.error(OAuthError.INVALID_REQUEST, "The request body must be a JSON object or empty.");
            }
            body = parsed.get();
        }
        String redirectUri = field(body, "redirect_uri", options.defaultRedirectUri());
        String typeName = field(body, "resource_owner_type", ResourceOwnerType.PRACTITIONER.wireName());
        Optional<ResourceOwnerType> type = ResourceOwnerType.fromWireName(typeName);
        if (type.isEmpty()) {
            return responses.error(OAuthError.INVALID_REQUEST,
                    "resource_owner_type must be Practitioner, Staff or Clinic.");
        }
        String ownerId = field(body, "resource_owner_id", UUID.randomUUID().toString());
        MintedCode minted = store.mintCode(redirectUri, new ResourceOwner(ownerId, type.get()));

        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("id", minted.owner().id());
        owner.put("type", minted.owner().type().wireName());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", minted.code());
        answer.put("redirect_uri", minted.redirectUri());
        answer.put("resource_owner", owner);
        answer.put("expires_at", Responses.isoMillis(minted.expiresAt()));
        return responses.json(201, answer);
    }

    HttpAnswer stats() {
        return responses.json(200, stats.get());
    }

    private static String field(JsonBody body, String name, String fallback) {
        String value = body == null ? null : body.string(name);
        return value == null ? fallback : value;
    }
}
