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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * transaction, upserts the token exactly as TokenStore does and marks the code EXCHANGED. No Spring, no Batch, no
 * Quartz, no budget, no retries: it exits when nothing is left. Run as its own JVM, like the worker.
 *
 * <p>With {@code PLAIN_SECOND_BATCH=FILE} (the warmed-up ceiling) each thread, once it finds nothing due, waits for
 * FILE to exist and then drains once more on the same connection, as the worker's window process keeps its pool.
 */
public final class PlainWorker {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String CLAIM = """
            UPDATE oauth_pending_code SET status = 'EXCHANGING', attempts = attempts + 1, lease_owner = ?,
                lease_until = now() + interval '45 seconds'
            WHERE id = (SELECT id FROM oauth_pending_code
                        WHERE status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                        ORDER BY received_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, code, redirect_uri, app_user_ref
            """;

    private static final String UPSERT = """
            INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, app_user_ref, scope,
                token_type, access_token_ciphertext, refresh_token_ciphertext, encryption_key_id,
                redirect_uri, issued_at, expires_at, authorized_at, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)
            ON CONFLICT (region, resource_owner_type, resource_owner_id) DO UPDATE SET
                app_user_ref = COALESCE(EXCLUDED.app_user_ref, oauth_token.app_user_ref),
                scope = EXCLUDED.scope,
                token_type = EXCLUDED.token_type,
                access_token_ciphertext = EXCLUDED.access_token_ciphertext,
                refresh_token_ciphertext = EXCLUDED.refresh_token_ciphertext,
                encryption_key_id = EXCLUDED.encryption_key_id,
                redirect_uri = EXCLUDED.redirect_uri,
                issued_at = EXCLUDED.issued_at,
                expires_at = EXCLUDED.expires_at,
                authorized_at = EXCLUDED.authorized_at,
                status = 'ACTIVE',
                refresh_due_at = NULL,
                refresh_attempts = 0,
                next_refresh_at = NULL,
                lease_owner = NULL,
                lease_until = NULL,
                last_error = NULL,
                last_request_id = NULL,
                version = oauth_token.version + 1,
                updated_at = EXCLUDED.updated_at
            WHERE oauth_token.authorized_at <= EXCLUDED.authorized_at
            RETURNING id
            """;

    private static final String FINISH = """
            UPDATE oauth_pending_code SET status = 'EXCHANGED', code = NULL, token_id = ?, finished_at = ?,
                lease_owner = NULL, lease_until = NULL, last_error = NULL, last_request_id = ?
            WHERE id = ? AND lease_owner = ?
            """;

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

    private PlainWorker() {
        this.url = System.getenv("SPRING_DATASOURCE_URL");
        this.user = System.getenv("SPRING_DATASOURCE_USERNAME");
        this.tokenEndpoint = URI.create(System.getenv("FULLSCRIPT_US_BASE_URL") + "/api/oauth/token");
        this.clientId = System.getenv("FULLSCRIPT_US_CLIENT_ID");
        this.clientSecret = System.getenv("FULLSCRIPT_US_CLIENT_SECRET");
        String secondBatchFile = System.getenv("PLAIN_SECOND_BATCH");
        this.secondBatch = secondBatchFile == null ? null : Path.of(secondBatchFile);
        this.cipher = new TokenCipher(EncryptionKey.fromBase64(System.getenv("TOKEN_ENCRYPTION_KEY")), List.of());
    }

    public static void main(String[] args) throws Exception {
        int concurrency = Integer.parseInt(System.getenv().getOrDefault("TOKENWORKER_CONCURRENCY", "8"));
        PlainWorker worker = new PlainWorker();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        for (int i = 0; i < concurrency; i++) {
            pool.submit(() -> {
                worker.drain();
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        System.out.println("plain worker exchanged " + worker.exchanged.get() + " codes");
    }

    private void drain() throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, null);
             PreparedStatement claim = c.prepareStatement(CLAIM);
             PreparedStatement upsert = c.prepareStatement(UPSERT);
             PreparedStatement finish = c.prepareStatement(FINISH)) {
            boolean waitedForSecondBatch = secondBatch == null;
            while (true) {
                claim.setString(1, owner);
                long id;
                String code;
                String redirectUri;
                String appUserRef;
                try (ResultSet rs = claim.executeQuery()) {
                    if (!rs.next()) {
                        if (waitedForSecondBatch) {
                            return;
                        }
                        waitForSecondBatch();
                        waitedForSecondBatch = true;
                        continue;
                    }
                    id = rs.getLong(1);
                    code = rs.getString(2);
                    redirectUri = rs.getString(3);
                    appUserRef = rs.getString(4);
                }
                HttpResponse<String> response = http.send(request(code, redirectUri),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("token endpoint answered " + response.statusCode());
                }
                record(c, upsert, finish, id, appUserRef, redirectUri, response);
                exchanged.incrementAndGet();
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

    private void record(Connection c, PreparedStatement upsert, PreparedStatement finish, long id,
                        String appUserRef, String redirectUri, HttpResponse<String> response) throws SQLException {
        JsonNode oauth = JSON.readTree(response.body()).get("oauth");
        String ownerType = oauth.get("resource_owner").get("type").asString();
        String ownerId = oauth.get("resource_owner").get("id").asString();
        Instant issued = Instant.parse(oauth.get("created_at").asString());
        Instant expires = issued.plusSeconds(oauth.get("expires_in").asLong());
        Timestamp now = Timestamp.from(Instant.now());
        byte[] access = cipher.encrypt(oauth.get("access_token").asString(),
                new TokenBinding("us", ownerType, ownerId, TokenField.ACCESS_TOKEN));
        byte[] refresh = cipher.encrypt(oauth.get("refresh_token").asString(),
                new TokenBinding("us", ownerType, ownerId, TokenField.REFRESH_TOKEN));
        c.setAutoCommit(false);
        try {
            upsert.setString(1, "us");
            upsert.setString(2, ownerType);
            upsert.setString(3, ownerId);
            upsert.setString(4, appUserRef);
            upsert.setString(5, oauth.get("scope").asString());
            upsert.setString(6, oauth.get("token_type").asString());
            upsert.setBytes(7, access);
            upsert.setBytes(8, refresh);
            upsert.setString(9, cipher.currentKeyId());
            upsert.setString(10, redirectUri);
            upsert.setTimestamp(11, Timestamp.from(issued));
            upsert.setTimestamp(12, Timestamp.from(expires));
            upsert.setTimestamp(13, Timestamp.from(issued));
            upsert.setTimestamp(14, now);
            upsert.setTimestamp(15, now);
            long tokenId;
            try (ResultSet rs = upsert.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("a newer grant of the same owner already stored");
                }
                tokenId = rs.getLong(1);
            }
            finish.setLong(1, tokenId);
            finish.setTimestamp(2, now);
            finish.setString(3, response.headers().firstValue("X-Request-Id").orElse(null));
            finish.setLong(4, id);
            finish.setString(5, owner);
            if (finish.executeUpdate() != 1) {
                throw new IllegalStateException("lost the lease of code row " + id);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
