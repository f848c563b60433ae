package com.clinic.tokenworker.support;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The environment a worker needs to talk to a fake Fullscript, and the web tier's side of the contract. */
public final class FullscriptFixture {

    public static final String REDIRECT_URI = "https://clinic.example/oauth/fullscript/callback";
    public static final String KEY = EncryptionKey.generate().toBase64();

    private FullscriptFixture() {
    }

    /** A US region pointing at the fake server; everything else default. */
    public static Map<String, String> environmentFor(FakeFullscriptServer us) {
        Map<String, String> env = new HashMap<>();
        env.put("FULLSCRIPT_US_CLIENT_ID", us.options().clientId());
        env.put("FULLSCRIPT_US_CLIENT_SECRET", us.options().clientSecret());
        env.put("FULLSCRIPT_US_BASE_URL", us.baseUrl().toString());
        env.put("TOKEN_ENCRYPTION_KEY", KEY);
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT2S");
        env.put("TOKENWORKER_LEASE", "PT15S");
        return env;
    }

    /** What the web tier does on a redirect: insert the code, received now (by the test's clock). */
    public static long insertCode(JdbcClient jdbc, String code, String region, Instant receivedAt) {
        return jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref, received_at)
                        VALUES (:code, :region, :redirectUri, :appUserRef, :receivedAt)
                        RETURNING id
                        """)
                .param("code", code)
                .param("region", region)
                .param("redirectUri", REDIRECT_URI)
                .param("appUserRef", "app-user-" + code.hashCode())
                .param("receivedAt", java.time.OffsetDateTime.ofInstant(receivedAt, java.time.ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    public static Map<String, Object> codeRow(JdbcClient jdbc, long id) {
        return new HashMap<>(jdbc.sql("SELECT * FROM oauth_pending_code WHERE id = :id").param("id", id)
                .query().singleRow());
    }

    /** Codes the fake answers only after {@code delay}, received a minute ago so a worker claims them first. */
    public record SlowCodes(List<String> codes, List<Long> ids) {
    }

    public static SlowCodes insertSlowCodes(FakeFullscriptServer fullscript, JdbcClient jdbc, int count,
                                            Duration delay, Instant now) {
        List<String> codes = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String code = fullscript.mintCode(REDIRECT_URI);
            fullscript.faultForCode(code, new Fault.Slow(delay), 1);
            codes.add(code);
            ids.add(insertCode(jdbc, code, "us", now.minusSeconds(60)));
        }
        return new SlowCodes(codes, ids);
    }

    /** The settings for a test that kills or stops a child worker mid-call: one pass of four calls. */
    public static Map<String, String> environmentForChildWorker(FakeFullscriptServer us) {
        Map<String, String> env = environmentFor(us);
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT10S");
        env.put("TOKENWORKER_LEASE", "PT25S");
        env.put("TOKENWORKER_CONCURRENCY", "4");
        return env;
    }
}
