package com.clinic.tokenworker.simulator;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stateful fake of one Fullscript OAuth server (one region, one application), over real HTTP on the JDK's
 * built-in server. It serves the worker's tests (in-process, port 0, settable clock), the {@code simulate}
 * command (standalone, random faults) and the {@code demo} command.
 *
 * <h2>Fullscript endpoints</h2>
 * <ul>
 *   <li>{@code POST /api/oauth/token}: {@code authorization_code} and {@code refresh_token} grants, JSON body.
 *       Codes live 10 minutes and are single use; a refresh rotates both tokens and kills the old pair at once.</li>
 *   <li>{@code POST /api/oauth/revoke}: {@code {client_id, client_secret, token}}, answers {@code 200 {}} and
 *       revokes the whole grant the token belongs to.</li>
 *   <li>Anything else: {@code 404 {"status":404,"error":"Not Found"}}.</li>
 * </ul>
 * Every answer carries a fresh {@code X-Request-Id} and {@code Content-Type: application/json}.
 *
 * <h2>Developer endpoints (local end-to-end runs)</h2>
 * There is no consent screen, so a developer mints the code the redirect would have carried:
 * <ul>
 *   <li>{@code POST /simulator/codes}, optional body
 *       {@code {"redirect_uri":"...","resource_owner_type":"Practitioner|Staff|Clinic","resource_owner_id":"..."}}
 *       (defaults: the configured redirect URI, Practitioner, a random UUID). Answers {@code 201
 *       {"code","redirect_uri","resource_owner":{"id","type"},"expires_at"}}.
 *       <pre>curl -s -X POST http://127.0.0.1:PORT/simulator/codes -d '{"redirect_uri":"http://localhost:8080/cb"}'</pre></li>
 *   <li>{@code GET /simulator/stats}: request and fault counters ({@link SimulatorStats}).</li>
 * </ul>
 *
 * <h2>Faults</h2>
 * See {@link Fault} for what each one does to the client and to the grant state. Faults apply to the token
 * endpoint only; latency applies to the token and revoke endpoints.
 *
 * <p>The server never logs request bodies, codes, tokens or secrets; logs carry method, path, status, fault
 * kind and request id.
 */
public final class FakeFullscriptServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FakeFullscriptServer.class.getName());
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private enum Route { TOKEN, REVOKE, MINT_CODE, STATS, NOT_FOUND }

    static {
        // The JDK server writes headers and body as separate segments; with Nagle on, the body waits for the
        // client's delayed ACK and every request on a kept-alive connection costs ~40 ms. The property is read
        // once, when the JDK server classes load, so it must be set before the first HttpServer in the JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final GrantStore store;
    private final FaultPlan faults;
    private final Traffic traffic;
    private final SimulatorOptions options;
    private final AtomicReference<LatencyProfile> latency;
    private final AtomicLong delayedRequests = new AtomicLong();
    private final TokenEndpoint tokenEndpoint;
    private final RevokeEndpoint revokeEndpoint;
    private final DeveloperEndpoints developerEndpoints;
    private final Responses responses;

    private FakeFullscriptServer(SimulatorOptions options, Clock clock) throws IOException {
        this.options = options;
        this.latency = new AtomicReference<>(LatencyProfile.fixed(options.latency()));
        this.store = new GrantStore(clock, options.codeLifetime(), options.accessTokenLifetime());
        this.traffic = new Traffic(clock);
        this.faults = new FaultPlan(options.hasRandomFaults() ? new RandomFaults(options) : null);
        JsonMapper mapper = JsonMapper.builder().build();
        this.responses = new Responses(mapper, options);
        ClientCredentials client = new ClientCredentials(options.clientId(), options.clientSecret());
        this.tokenEndpoint = new TokenEndpoint(options, client, store, faults, traffic, responses, mapper);
        this.revokeEndpoint = new RevokeEndpoint(client, store, traffic, responses, mapper);
        this.developerEndpoints = new DeveloperEndpoints(options, store, responses, mapper, this::stats);

        // Cached pool: a Slow fault or latency parks one thread and must not hold up the other clients.
        this.executor = Executors.newCachedThreadPool(daemonThreads());
        this.http = HttpServer.create(new InetSocketAddress(options.bindAddress(), options.port()), 512);
        this.http.createContext("/", this::handle);
        this.http.setExecutor(executor);
    }

    /** Starts a server; {@code options.port() == 0} picks a free port, see {@link #baseUrl()}. */
    public static FakeFullscriptServer start(SimulatorOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        try {
            FakeFullscriptServer server = new FakeFullscriptServer(options, clock);
            server.http.start();
            LOG.log(System.Logger.Level.DEBUG, "Fake Fullscript server listening on {0}", server.baseUrl());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the fake Fullscript server on "
                    + options.bindAddress() + ":" + options.port(), e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash, the way the worker configures a root. */
    public URI baseUrl() {
        InetSocketAddress address = http.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    public SimulatorOptions options() {
        return options;
    }

    // ---- authorization codes and grants ----

    /** A code for a new Practitioner with a random id. */
    public String mintCode(String redirectUri) {
        return mintCode(redirectUri, ResourceOwnerType.PRACTITIONER.wireName(), UUID.randomUUID().toString());
    }

    /** @param ownerType {@code Practitioner}, {@code Staff} or {@code Clinic} */
    public String mintCode(String redirectUri, String ownerType, String ownerId) {
        ResourceOwnerType type = ResourceOwnerType.fromWireName(ownerType)
                .orElseThrow(() -> new IllegalArgumentException("unknown resource owner type " + ownerType));
        return store.mintCode(redirectUri, new ResourceOwner(ownerId, type)).code();
    }

    /** Like {@link #mintCode(String, String, String)} with the expiry and owner, for callers that show them. */
    public MintedCode mintCode(String redirectUri, ResourceOwner owner) {
        return store.mintCode(redirectUri, owner);
    }

    /**
     * A code whose exchange yields an access token living only {@code firstAccessTokenLifetime}; its refreshes
     * get the configured lifetime again. It stands for a user who authorized a while ago: the token lands inside
     * the worker's refresh margin at once, without a clock to move (the {@code demo} command relies on it).
     */
    public MintedCode mintCode(String redirectUri, ResourceOwner owner, Duration firstAccessTokenLifetime) {
        return store.mintCode(redirectUri, owner, firstAccessTokenLifetime);
    }

    /** The user revokes the app in Fullscript: their refresh tokens now get {@code invalid_grant}. No webhook. */
    public int revokeGrantOf(String resourceOwnerId) {
        return store.revokeGrantsOf(resourceOwnerId);
    }

    public boolean isRefreshTokenActive(String refreshToken) {
        return store.isRefreshTokenActive(refreshToken);
    }

    /** False once rotated, revoked, or past {@code created_at + expires_in} by the injected clock. */
    public boolean isAccessTokenActive(String accessToken) {
        return store.isAccessTokenActive(accessToken);
    }

    // ---- fault injection ----

    /** Applies to the next token-endpoint request not claimed by a code- or token-specific fault (FIFO). */
    public void enqueueFault(Fault fault) {
        faults.enqueue(fault);
    }

    /** Applies to the first {@code times} token requests carrying this code. Replaces an earlier plan for it. */
    public void faultForCode(String code, Fault fault, int times) {
        faults.forCode(code, fault, times);
    }

    /** Applies to the first {@code times} token requests carrying this refresh token. */
    public void faultForRefreshToken(String refreshToken, Fault fault, int times) {
        faults.forRefreshToken(refreshToken, fault, times);
    }

    /** Drops every planned fault that has not fired yet; random faults stay as configured. */
    public void clearFaults() {
        faults.clear();
    }

    /** Delay before every token and revoke request is processed. */
    public void setLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        setLatency(LatencyProfile.fixed(latency));
    }

    /** Delays by a profile (e.g. one request in ten slow); its request count starts again from here. */
    public void setLatency(LatencyProfile profile) {
        Objects.requireNonNull(profile, "profile");
        delayedRequests.set(0);
        this.latency.set(profile);
    }

    // ---- observation ----

    /** Token requests that carried this code, whatever they got back (faults and errors included). */
    public int timesCodeSent(String code) {
        return traffic.timesCodeSent(code);
    }

    public List<String> codesSentMoreThanOnce() {
        return traffic.codesSentMoreThanOnce();
    }

    public int timesRefreshTokenSent(String refreshToken) {
        return traffic.timesRefreshTokenSent(refreshToken);
    }

    /** Token requests that arrived carrying a refresh token already rotated away by an earlier refresh. */
    public long staleRefreshTokenUses() {
        return traffic.staleRefreshTokenUses();
    }

    public long tokenRequestCount() {
        return traffic.tokenRequestCount();
    }

    /** Every token and revoke request so far, in arrival order, with when and how it was answered. */
    public List<SimulatorCall> calls() {
        return traffic.calls();
    }

    /** Every code minted and every access and refresh token issued so far: what must never show up in a log. */
    public java.util.Set<String> secretsIssued() {
        return store.secretsIssued();
    }

    public long revokeRequestCount() {
        return traffic.revokeRequestCount();
    }

    public SimulatorStats stats() {
        return new SimulatorStats(
                traffic.tokenRequestCount(),
                traffic.revokeRequestCount(),
                traffic.staleRefreshTokenUses(),
                traffic.codesSentMoreThanOnce().size(),
                traffic.droppedResponses(),
                store.codesMinted(),
                store.activeGrants(),
                traffic.faultsByKind(),
                traffic.responsesByStatus());
    }

    /** Stops at once; requests in flight (including sleeping Slow faults) are cut off. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- HTTP wiring ----

    private void handle(HttpExchange exchange) {
        String requestId = UUID.randomUUID().toString();
        Route route = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        Traffic.Call call = route == Route.TOKEN || route == Route.REVOKE
                ? traffic.begin(route == Route.TOKEN ? SimulatorCall.Endpoint.TOKEN : SimulatorCall.Endpoint.REVOKE)
                : null;
        try {
            HttpAnswer answer = answer(route, exchange, call);
            int status = write(exchange, requestId, answer);
            if (call != null) {
                call.answered(status);
            }
            LOG.log(System.Logger.Level.DEBUG, "{0} {1} -> {2} [{3}]", exchange.getRequestMethod(),
                    route, describe(answer), requestId);
        } catch (RuntimeException | IOException e) {
            if (call != null) {
                call.answered(SimulatorCall.CONNECTION_FAILED);
            }
            // The message of a Jackson or IO error never contains the body, so it is safe to log.
            LOG.log(System.Logger.Level.WARNING, "Request " + requestId + " to " + route + " failed", e);
            writeQuietly(exchange, requestId, responses.status(500, "Internal Server Error"));
        } finally {
            // Without headers sent, closing the exchange closes the connection: that is how Drop works.
            exchange.close();
        }
    }

    private HttpAnswer answer(Route route, HttpExchange exchange, Traffic.Call call) throws IOException {
        if (route == Route.NOT_FOUND) {
            return responses.notFound();
        }
        if (route == Route.STATS) {
            return developerEndpoints.stats();
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            return responses.status(413, "Payload Too Large");
        }
        switch (route) {
            case TOKEN:
                Pause.of(nextDelay());
                return tokenEndpoint.handle(body, call);
            case REVOKE:
                Pause.of(nextDelay());
                return revokeEndpoint.handle(body);
            case MINT_CODE:
                return developerEndpoints.mintCode(body);
            default:
                throw new IllegalStateException("unhandled route " + route);
        }
    }

    private Duration nextDelay() {
        return latency.get().delayOf(delayedRequests.incrementAndGet());
    }

    private static Route route(String method, String rawPath) {
        // Rails ignores one trailing slash; so do we.
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        boolean post = "POST".equals(method);
        switch (path) {
            case "/api/oauth/token":
                return post ? Route.TOKEN : Route.NOT_FOUND;
            case "/api/oauth/revoke":
                return post ? Route.REVOKE : Route.NOT_FOUND;
            case "/simulator/codes":
                return post ? Route.MINT_CODE : Route.NOT_FOUND;
            case "/simulator/stats":
                return "GET".equals(method) ? Route.STATS : Route.NOT_FOUND;
            default:
                return Route.NOT_FOUND;
        }
    }

    /** @return null when the body exceeds the cap: no OAuth request is anywhere near 64 KiB */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
            return body.length > MAX_REQUEST_BYTES ? null : body;
        }
    }

    /** @return the status sent, or {@link SimulatorCall#DROPPED} */
    private int write(HttpExchange exchange, String requestId, HttpAnswer answer) throws IOException {
        if (answer instanceof HttpAnswer.Drop) {
            traffic.dropped();
            return SimulatorCall.DROPPED;
        }
        if (answer instanceof HttpAnswer.Trickled trickled) {
            return trickle(exchange, requestId, trickled);
        }
        HttpAnswer.Reply reply = (HttpAnswer.Reply) answer;
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("X-Request-Id", requestId);
        reply.headers().forEach(headers::set);
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        traffic.responded(reply.status());
        return reply.status();
    }

    private int trickle(HttpExchange exchange, String requestId, HttpAnswer.Trickled trickled) throws IOException {
        HttpAnswer.Reply reply = trickled.reply();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("X-Request-Id", requestId);
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int at = 0; at < body.length; at += trickled.bytesPerWrite()) {
                out.write(body, at, Math.min(trickled.bytesPerWrite(), body.length - at));
                out.flush();
                Pause.of(trickled.pause());
                if (Thread.currentThread().isInterrupted()) {
                    throw new IOException("server closing");
                }
            }
        }
        traffic.responded(reply.status());
        return reply.status();
    }

    private void writeQuietly(HttpExchange exchange, String requestId, HttpAnswer.Reply reply) {
        try {
            write(exchange, requestId, reply);
        } catch (IOException | RuntimeException ignored) {
            // Headers were probably sent already; closing the exchange is all that is left.
        }
    }

    private static String describe(HttpAnswer answer) {
        return answer instanceof HttpAnswer.Reply reply ? String.valueOf(reply.status()) : "dropped";
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "fake-fullscript-" + counter.incrementAndGet());
            // Daemon: a test that forgets close() must not keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        };
    }
}
