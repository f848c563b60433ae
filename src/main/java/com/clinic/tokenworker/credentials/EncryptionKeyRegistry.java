package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code tokenworker_encryption_keys}: the key ids the latest worker to run could decrypt with. {@code status}
 * has no key, so it learns from here which tokens no worker can open (a wrong TOKEN_ENCRYPTION_KEY, an old key
 * left out of TOKEN_ENCRYPTION_PREVIOUS_KEYS). Key ids are derived from the keys and reveal nothing of them.
 */
@Repository
public class EncryptionKeyRegistry {

    private final JdbcClient jdbc;

    public EncryptionKeyRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void record(String currentKeyId, List<String> keyIds, Instant at, String worker) {
        jdbc.sql("""
                        INSERT INTO tokenworker_encryption_keys (id, current_key_id, key_ids, recorded_at, recorded_by)
                        VALUES (1, :current, string_to_array(:keyIds, ','), :at, :worker)
                        ON CONFLICT (id) DO UPDATE
                            SET current_key_id = EXCLUDED.current_key_id, key_ids = EXCLUDED.key_ids,
                                recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by
                        """)
                .param("current", currentKeyId)
                .param("keyIds", String.join(",", keyIds))
                .param("at", SqlTime.of(at))
                .param("worker", worker)
                .update();
    }
}
