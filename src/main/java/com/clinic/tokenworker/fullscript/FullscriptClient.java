package com.clinic.tokenworker.fullscript;

import com.clinic.tokenworker.config.RegionCredentials;
import com.clinic.tokenworker.metrics.CallKind;
import com.clinic.tokenworker.metrics.FullscriptCallObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to Fullscript's OAuth endpoints ({@code /api/oauth/token}, {@code /api/oauth/revoke}) of one region at a
 * time. Every call is bounded: one deadline for the whole exchange (connect, headers and body) and a size limit on
 * the body. It never throws for what the server does; it classifies it into a {@link TokenEndpointResult}.
 */
public class FullscriptClient {

    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Pattern OAUTH_ERROR_CODE = Pattern.compile("[a-z][a-z_]{2,63}");

    /** Made at the first call, not at class loading: a run with nothing to send never loads Jackson. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    /**
     * Made at the first call: building a JDK HttpClient sets up the default TLS context (the trust store and its
     * certificates, about 0.3 s), which a run with nothing to send does not need. The same client, with the same
     * default TLS settings, as when it was made in the constructor.
     */
    private volatile HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final FullscriptCallObserver observer;

    public FullscriptClient(Duration timeout, Clock clock) {
        this(timeout, clock, FullscriptCallObserver.NONE);
    }

    public FullscriptClient(Duration timeout, Clock clock, FullscriptCallObserver observer) {
        this.observer = observer;
        this.timeout = timeout;
        this.clock = clock;
    }

    public TokenEndpointResult exchangeCode(RegionCredentials credentials, String code, String redirectUri) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("client_id", credentials.clientId());
        body.put("client_secret", credentials.clientSecret());
        body.put("code", code);
        body.put("redirect_uri", redirectUri);
        return observed(CallKind.EXCHANGE, credentials,
                () -> post(ServerRoot.endpoint(credentials.baseUrl(), "/api/oauth/token"), body, Expect.TOKEN, Optional.empty()));
    }

    /** @param owner the user the row names: a refresh answer that leaves resource_owner out is still usable */
    public TokenEndpointResult refresh(RegionCredentials credentials, String refreshToken, String redirectUri,
                                       ResourceOwnerRef owner) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "refresh_token");
        body.put("client_id", credentials.clientId());
        body.put("client_secret", credentials.clientSecret());
        body.put("refresh_token", refreshToken);
        if (redirectUri != null) {
            body.put("redirect_uri", redirectUri);
        }
        return observed(CallKind.REFRESH, credentials,
                () -> post(ServerRoot.endpoint(credentials.baseUrl(), "/api/oauth/token"), body, Expect.TOKEN, Optional.of(owner)));
    }

    public TokenEndpointResult revoke(RegionCredentials credentials, String token) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", credentials.clientId());
        body.put("client_secret", credentials.clientSecret());
        body.put("token", token);
        return observed(CallKind.REVOKE, credentials,
                () -> post(ServerRoot.endpoint(credentials.baseUrl(), "/api/oauth/revoke"), body, Expect.REVOCATION, Optional.empty()));
    }

    private enum Expect { TOKEN, REVOCATION }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .connectTimeout(timeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    http = client;
                }
            }
        }
        return client;
    }

    /** Latency on the monotonic clock: it measures an interval, not a moment, so the injected Clock has no say. */
    private TokenEndpointResult observed(CallKind kind, RegionCredentials credentials,
                                         Supplier<TokenEndpointResult> call) {
        long started = System.nanoTime();
        TokenEndpointResult result = call.get();
        try {
            observer.called(kind, credentials.region(), result, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            // A metric is never worth a result: a grant in hand must still be stored.
        }
        return result;
    }

    private TokenEndpointResult post(URI uri, Map<String, String> body, Expect expect,
                                     Optional<ResourceOwnerRef> knownOwner) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)))
                .build();
        // The blocking send, not sendAsync: sendAsync runs every stage of the exchange on the client's executor and
        // hands the answer on through CompletableFuture's default executor, several thread hand-offs per call
        // that send() does on the calling thread. The request timeout covers the wait for the headers, the
        // subscriber's deadline the body: together the whole response, as one timeout.
        // The client first: making it (TLS set-up, on the first call) must not eat into the body's deadline.
        HttpClient client = http();
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, info -> new BoundedBodySubscriber(MAX_BODY_BYTES, deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TokenEndpointResult.Unavailable("interrupted while waiting for the response", Optional.empty());
        } catch (IOException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof BodyDeadlineException) {
                return new TokenEndpointResult.Unavailable("no complete response within " + timeout,
                        Optional.empty());
            }
            return new TokenEndpointResult.Unavailable(describe(cause), Optional.empty());
        } catch (IllegalArgumentException | SecurityException e) {
            // How send() rethrows these when the exchange failed with them (sendAsync's future did likewise).
            return new TokenEndpointResult.Unavailable(describe(e), Optional.empty());
        }
        return classify(response.statusCode(), response.body(), response.headers().firstValue("X-Request-Id"),
                response.headers().firstValue("Retry-After"), expect, knownOwner);
    }

    private TokenEndpointResult classify(int status, byte[] body, Optional<String> requestId,
                                         Optional<String> retryAfter, Expect expect,
                                         Optional<ResourceOwnerRef> knownOwner) {
        if (status == 429) {
            return new TokenEndpointResult.RateLimited(RetryAfter.parse(retryAfter, clock), requestId);
        }
        Optional<JsonNode> json = readJson(body);
        Optional<String> oauthError = json.map(n -> n.path("error"))
                .filter(JsonNode::isString)
                .map(JsonNode::stringValue)
                .filter(e -> OAUTH_ERROR_CODE.matcher(e).matches());
        if (status == 401 || oauthError.filter("invalid_client"::equals).isPresent()) {
            return new TokenEndpointResult.ClientRejected(status, requestId);
        }
        if (status >= 200 && status < 300) {
            if (expect == Expect.REVOCATION) {
                return new TokenEndpointResult.Revoked(requestId);
            }
            if (json.isEmpty()) {
                return new TokenEndpointResult.Unavailable("HTTP " + status + " with a body that is not JSON",
                        requestId);
            }
            try {
                return new TokenEndpointResult.Granted(TokenGrantParser.parse(json.get(), clock.instant(), knownOwner),
                        requestId);
            } catch (MalformedResponseException e) {
                return new TokenEndpointResult.Unavailable("HTTP " + status + " with a malformed token body: "
                        + e.getMessage(), requestId);
            }
        }
        if (status >= 400 && status < 500 && oauthError.isPresent()) {
            String description = json.map(n -> n.path("error_description"))
                    .filter(JsonNode::isString)
                    .map(JsonNode::stringValue)
                    .map(FullscriptClient::shortDescription)
                    .orElse("");
            return new TokenEndpointResult.Rejected(status, oauthError.get(), description, requestId);
        }
        Optional<PermanentRefusal> refusal = PermanentRefusal.of(status);
        if (refusal.isPresent()) {
            return new TokenEndpointResult.Rejected(status, refusal.get().error(), refusal.get().description(),
                    requestId);
        }
        return new TokenEndpointResult.Unavailable("HTTP " + status, requestId);
    }

    private static Optional<JsonNode> readJson(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * Fullscript's descriptions are fixed sentences, but we only keep the first line, printable and short: it
     * goes into last_error, which other teams read.
     */
    private static String shortDescription(String description) {
        String line = description.lines().findFirst().orElse("").replaceAll("[^\\p{Print}]", "");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    /**
     * What send() threw, as sendAsync's future would have failed: send() wraps a failure of the exchange in a
     * plain IOException (or a new exception of the same JDK type), with the original as its cause.
     */
    private static Throwable unwrap(IOException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause
                && (cause.getClass() == IOException.class || cause.getCause() instanceof BodyDeadlineException
                || cause.getCause() instanceof BodyTooLargeException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Exception types and our own messages only: a JDK message could quote the URL, never the body. */
    private String describe(Throwable cause) {
        if (cause instanceof BodyTooLargeException tooLarge) {
            return tooLarge.getMessage();
        }
        if (cause instanceof HttpTimeoutException) {
            return "timed out after " + timeout;
        }
        if (cause instanceof IOException) {
            return "connection failed (" + cause.getClass().getSimpleName() + ")";
        }
        return "call failed (" + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")";
    }
}
