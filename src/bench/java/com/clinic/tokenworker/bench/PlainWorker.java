package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ceiling's reference: the plainest correct exchanger. A fixed pool of TOKENWORKER_CONCURRENCY threads; each
 * claims one due code (UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING, committed),
 * calls the token endpoint with java.net.http, encrypts both tokens with the worker's own TokenCipher and, in one
 * transaction, inserts the token with TokenStore's statement and marks the code EXCHANGED. No Spring, no Batch, no
 * Quartz, no budget, no retries: it exits when nothing is left. Run as its own JVM, like the worker.
 *
 * <p>{@code PLAIN_DATA_STACK} says what runs those statements: {@code jdbc} (the default) plain JDBC on one
 * connection per thread ({@link RawJdbcRows}); {@code spring} the same statements on the data stack the design card
 * prescribes, HikariCP and Spring's JdbcTemplate and transactions ({@link SpringJdbcRows}), still with no Batch,
 * Quartz or engine. The bench runs both, to tell what the stack costs from what the worker's engine costs.
 *
 * <p>With {@code PLAIN_SECOND_BATCH=FILE} (the warmed-up ceiling) each thread, once it finds nothing due, waits for
 * FILE to exist and then drains once more on the same connection, as the worker's window process keeps its pool.
 */
public final class PlainWorker {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String url;
    private final String user;
    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final TokenCipher cipher;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String owner = "plain-" + UUID.randomUUID();
    private final AtomicInteger exchanged = new AtomicInteger();
    /** Null unless the bench asks for a second batch. */
    private final Path secondBatch;
    /** The rows of every thread on the Spring stack; null on plain JDBC, where each thread opens its own. */
    private final PlainRows shared;

    private PlainWorker(int concurrency) {
        this.url = System.getenv("SPRING_DATASOURCE_URL");
        this.user = System.getenv("SPRING_DATASOURCE_USERNAME");
        this.tokenEndpoint = URI.create(System.getenv("FULLSCRIPT_US_BASE_URL") + "/api/oauth/token");
        this.clientId = System.getenv("FULLSCRIPT_US_CLIENT_ID");
        this.clientSecret = System.getenv("FULLSCRIPT_US_CLIENT_SECRET");
        String secondBatchFile = System.getenv("PLAIN_SECOND_BATCH");
        this.secondBatch = secondBatchFile == null ? null : Path.of(secondBatchFile);
        this.cipher = new TokenCipher(EncryptionKey.fromBase64(System.getenv("TOKEN_ENCRYPTION_KEY")), List.of());
        String stack = System.getenv().getOrDefault("PLAIN_DATA_STACK", "jdbc");
        this.shared = switch (stack) {
            case "jdbc" -> null;
            case "spring" -> new SpringJdbcRows(url, user, owner, concurrency);
            default -> throw new IllegalArgumentException("PLAIN_DATA_STACK must be jdbc or spring, not " + stack);
        };
    }

    public static void main(String[] args) throws Exception {
        int concurrency = Integer.parseInt(System.getenv().getOrDefault("TOKENWORKER_CONCURRENCY", "8"));
        PlainWorker worker = new PlainWorker(concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        for (int i = 0; i < concurrency; i++) {
            pool.submit(() -> {
                worker.drain();
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        if (worker.shared != null) {
            worker.shared.close();
        }
        System.out.println("plain worker exchanged " + worker.exchanged.get() + " codes");
    }

    private void drain() throws Exception {
        PlainRows rows = shared != null ? shared : new RawJdbcRows(url, user, owner);
        try {
            boolean waitedForSecondBatch = secondBatch == null;
            while (true) {
                PlainRows.Claim claim = rows.claim();
                if (claim == null) {
                    if (waitedForSecondBatch) {
                        return;
                    }
                    waitForSecondBatch();
                    waitedForSecondBatch = true;
                    continue;
                }
                HttpResponse<String> response = http.send(request(claim.code(), claim.redirectUri()),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("token endpoint answered " + response.statusCode());
                }
                rows.record(claim, grant(response));
                exchanged.incrementAndGet();
            }
        } finally {
            if (rows != shared) {
                rows.close();
            }
        }
    }

    /** Polls a file, not the database: waiting must not load what the bench measures next. */
    private void waitForSecondBatch() throws InterruptedException {
        while (!Files.exists(secondBatch)) {
            Thread.sleep(10);
        }
    }

    private HttpRequest request(String code, String redirectUri) {
        String body = JSON.writeValueAsString(java.util.Map.of("grant_type", "authorization_code",
                "client_id", clientId, "client_secret", clientSecret, "code", code, "redirect_uri", redirectUri));
        return HttpRequest.newBuilder(tokenEndpoint).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private PlainRows.Grant grant(HttpResponse<String> response) {
        JsonNode oauth = JSON.readTree(response.body()).get("oauth");
        String ownerType = oauth.get("resource_owner").get("type").asString();
        String ownerId = oauth.get("resource_owner").get("id").asString();
        Instant issued = Instant.parse(oauth.get("created_at").asString());
        byte[] access = cipher.encrypt(oauth.get("access_token").asString(),
                new TokenBinding("us", ownerType, ownerId, TokenField.ACCESS_TOKEN));
        byte[] refresh = cipher.encrypt(oauth.get("refresh_token").asString(),
                new TokenBinding("us", ownerType, ownerId, TokenField.REFRESH_TOKEN));
        return new PlainRows.Grant(ownerType, ownerId, oauth.get("scope").asString(),
                oauth.get("token_type").asString(), access, refresh, cipher.currentKeyId(), issued,
                issued.plusSeconds(oauth.get("expires_in").asLong()), Instant.now(),
                response.headers().firstValue("X-Request-Id").orElse(null));
    }
}
