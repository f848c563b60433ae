package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A fake Fullscript with a client secret of its own, and the settings every campaign's workers start from. */
final class CampaignEnvironment {

    final String key = EncryptionKey.generate().toBase64();
    final String clientSecret = "stress-secret-" + UUID.randomUUID();
    final FakeFullscriptServer fullscript;

    CampaignEnvironment(SimulatorOptions.Builder options) {
        this.fullscript = FakeFullscriptServer.start(options.clientSecret(clientSecret).build(), Clock.systemUTC());
    }

    /** US region on the fake, DEBUG logs, short leases so a killed worker's rows come back in seconds. */
    Map<String, String> workerEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("FULLSCRIPT_US_CLIENT_ID", fullscript.options().clientId());
        env.put("FULLSCRIPT_US_CLIENT_SECRET", clientSecret);
        env.put("FULLSCRIPT_US_BASE_URL", fullscript.baseUrl().toString());
        env.put("TOKEN_ENCRYPTION_KEY", key);
        env.put("TOKENWORKER_LOG_LEVEL", "DEBUG");
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT2S");
        env.put("TOKENWORKER_LEASE", "PT12S");
        env.put("TOKENWORKER_CONCURRENCY", "4");
        env.put("TOKENWORKER_REQUESTS_PER_5MIN", "5000");
        env.put("TOKENWORKER_INTERVAL", "PT1S");
        env.put("TOKENWORKER_MAX_RUN_DURATION", "PT30S");
        env.put("TOKENWORKER_REFRESH_MARGIN", "PT1M");
        return env;
    }

    /** The schema, as a worker's first start writes it: the web tier inserts before any worker process is up. */
    static void migrate(com.clinic.tokenworker.DatabaseTarget database, Map<String, String> env) {
        try (com.clinic.tokenworker.support.TestWorker worker = com.clinic.tokenworker.support.TestWorker.start(
                database, env, Clock.systemUTC())) {
            worker.jdbc().sql("SELECT 1").query(Integer.class).single();
        }
    }

    static Map<String, String> with(Map<String, String> env, String... keyValues) {
        Map<String, String> copy = new HashMap<>(env);
        for (int i = 0; i < keyValues.length; i += 2) {
            copy.put(keyValues[i], keyValues[i + 1]);
        }
        return copy;
    }

    /** A first token that lands inside the 1-minute refresh margin 5 s after the exchange. */
    static final Duration SHORT_FIRST_TOKEN = Duration.ofSeconds(65);
}
