package com.clinic.tokenworker.simulator;

import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/oauth/token}: both grant types, with faults woven in. Traffic is recorded before any fault
 * or validation so "how often was this code sent" counts every attempt, whatever it got back.
 */
final class TokenEndpoint {

    private final SimulatorOptions options;
    private final ClientCredentials client;
    private final GrantStore store;
    private final FaultPlan faults;
    private final FaultEffects faultEffects;
    private final Traffic traffic;
    private final Responses responses;
    private final JsonMapper mapper;

    TokenEndpoint(SimulatorOptions options, ClientCredentials client, GrantStore store, FaultPlan faults,
                  Traffic traffic, Responses responses, JsonMapper mapper) {
        this.options = options;
        this.client = client;
        this.store = store;
        this.faults = faults;
        this.faultEffects = new FaultEffects(responses);
        this.traffic = traffic;
        this.responses = responses;
        this.mapper = mapper;
    }

    /** @param call where the traffic log notes what this request carried and did; null outside the server */
    HttpAnswer handle(byte[] rawBody, Traffic.Call call) {
        traffic.tokenRequest();
        Optional<JsonBody> body = JsonBody.parse(mapper, rawBody);
        String code = body.map(b -> b.string("code")).orElse(null);
        String refreshToken = body.map(b -> b.string("refresh_token")).orElse(null);
        boolean rotatedAlready = refreshToken != null && store.isRefreshTokenRotated(refreshToken);
        observe(code, refreshToken);
        if (call != null) {
            call.carried(code, refreshToken, rotatedAlready);
        }

        Optional<Fault> fault = faults.next(code, refreshToken);
        fault.ifPresent(traffic::faultApplied);
        if (fault.isPresent() && fault.get().timing() == Fault.Timing.INSTEAD_OF_PROCESSING) {
            if (call != null) {
                call.decided();
            }
            return faultEffects.insteadOfProcessing(fault.get());
        }
        HttpAnswer.Reply real = body.map(this::process)
                .orElseGet(() -> responses.error(OAuthError.INVALID_REQUEST, "The request body must be a JSON object."));
        if (call != null) {
            call.decided();
            if (real.status() == 200) {
                // Only an issued grant answers 200: the code is used now, or the refresh token rotated.
                call.granted();
            }
        }
        return fault.map(f -> faultEffects.afterProcessing(f, real)).orElse(real);
    }

    private void observe(String code, String refreshToken) {
        if (code != null) {
            traffic.codeSent(code);
        }
        if (refreshToken != null) {
            traffic.refreshTokenSent(refreshToken);
            if (store.isRefreshTokenRotated(refreshToken)) {
                traffic.staleRefreshTokenUse();
            }
        }
    }

    private HttpAnswer.Reply process(JsonBody body) {
        String grantTypeName = body.string("grant_type");
        String clientId = body.string("client_id");
        String clientSecret = body.string("client_secret");
        if (grantTypeName == null || clientId == null || clientSecret == null) {
            return missing("grant_type, client_id and client_secret are required.");
        }
        if (!client.matches(clientId, clientSecret)) {
            return responses.error(OAuthError.INVALID_CLIENT,
                    "Client authentication failed due to unknown client, no client authentication included, "
                            + "or unsupported authentication method.");
        }
        Optional<GrantType> grantType = GrantType.fromWireName(grantTypeName);
        if (grantType.isEmpty()) {
            return responses.error(OAuthError.UNSUPPORTED_GRANT_TYPE,
                    "The authorization grant type is not supported by the authorization server.");
        }
        switch (grantType.get()) {
            case AUTHORIZATION_CODE:
                return exchange(body);
            case REFRESH_TOKEN:
                return refresh(body);
            default:
                throw new IllegalStateException("unhandled grant type " + grantType.get());
        }
    }

    private HttpAnswer.Reply exchange(JsonBody body) {
        String code = body.string("code");
        String redirectUri = body.string("redirect_uri");
        if (code == null || redirectUri == null) {
            return missing("code and redirect_uri are required.");
        }
        return toReply(store.exchange(code, redirectUri));
    }

    private HttpAnswer.Reply refresh(JsonBody body) {
        String refreshToken = body.string("refresh_token");
        if (refreshToken == null) {
            return missing("refresh_token is required.");
        }
        // redirect_uri is optional here and not checked: Fullscript does not document it for refresh.
        return toReply(store.refresh(refreshToken, !options.omitRefreshTokenOnRefresh()));
    }

    private HttpAnswer.Reply toReply(GrantResult result) {
        if (result instanceof GrantResult.Issued issued) {
            return responses.tokens(issued.tokens());
        }
        return responses.error(OAuthError.INVALID_GRANT, ((GrantResult.Rejected) result).description());
    }

    private HttpAnswer.Reply missing(String description) {
        return responses.error(OAuthError.INVALID_REQUEST,
                "The request is missing a required parameter: " + description);
    }
}
