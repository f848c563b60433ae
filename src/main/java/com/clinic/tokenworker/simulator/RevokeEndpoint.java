package com.clinic.tokenworker.simulator;

import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/oauth/revoke}: answers {@code 200 {}} for any token of this client, known or not (RFC 7009). */
final class RevokeEndpoint {

    private final ClientCredentials client;
    private final GrantStore store;
    private final Traffic traffic;
    private final Responses responses;
    private final JsonMapper mapper;

    RevokeEndpoint(ClientCredentials client, GrantStore store, Traffic traffic, Responses responses,
                   JsonMapper mapper) {
        this.client = client;
        this.store = store;
        this.traffic = traffic;
        this.responses = responses;
        this.mapper = mapper;
    }

    HttpAnswer handle(byte[] rawBody) {
        traffic.revokeRequest();
        Optional<JsonBody> parsed = JsonBody.parse(mapper, rawBody);
        if (parsed.isEmpty()) {
            return responses.error(OAuthError.INVALID_REQUEST, "The request body must be a JSON object.");
        }
        JsonBody body = parsed.get();
        String clientId = body.string("client_id");
        String clientSecret = body.string("client_secret");
        String token = body.string("token");
        if (clientId == null || clientSecret == null || token == null) {
            return responses.error(OAuthError.INVALID_REQUEST,
                    "The request is missing a required parameter: client_id, client_secret and token are required.");
        }
        if (!client.matches(clientId, clientSecret)) {
            return responses.error(OAuthError.INVALID_CLIENT, "Client authentication failed.");
        }
        store.revoke(token);
        return responses.emptyObject();
    }
}
