package com.clinic.tokenworker.support;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Tokens the way they really arrive: a code minted at the fake Fullscript, inserted as the web tier does and
 * exchanged by a worker run. Plus reading a token row back, decrypted.
 */
public final class TokenFixture {

    private TokenFixture() {
    }

    /** One authorization by {@code ownerId}, exchanged now; returns the oauth_token id. */
    public static long authorize(TestWorker worker, FakeFullscriptServer fullscript, String ownerId) {
        return authorizeAll(worker, fullscript, List.of(ownerId)).get(0);
    }

    /** Authorizations of all {@code ownerIds}, exchanged by one run; returns the token ids in the same order. */
    public static List<Long> authorizeAll(TestWorker worker, FakeFullscriptServer fullscript, List<String> ownerIds) {
        JdbcClient jdbc = worker.jdbc();
        Instant now = Instant.now(worker.bean(java.time.Clock.class));
        List<Long> codeIds = new ArrayList<>();
        for (String ownerId : ownerIds) {
            String code = fullscript.mintCode(REDIRECT_URI, "Practitioner", ownerId);
            codeIds.add(FullscriptFixture.insertCode(jdbc, code, "us", now));
        }
        worker.runOnce();
        List<Long> tokenIds = new ArrayList<>();
        for (long codeId : codeIds) {
            Object tokenId = FullscriptFixture.codeRow(jdbc, codeId).get("token_id");
            if (tokenId == null) {
                throw new IllegalStateException("code " + codeId + " was not exchanged: "
                        + FullscriptFixture.codeRow(jdbc, codeId));
            }
            tokenIds.add((Long) tokenId);
        }
        return tokenIds;
    }

    public static Map<String, Object> tokenRow(JdbcClient jdbc, long id) {
        return new HashMap<>(jdbc.sql("SELECT * FROM oauth_token WHERE id = :id").param("id", id).query().singleRow());
    }

    public static String refreshTokenOf(TestWorker worker, long id) {
        return decrypt(worker, tokenRow(worker.jdbc(), id), TokenField.REFRESH_TOKEN);
    }

    public static String accessTokenOf(TestWorker worker, long id) {
        return decrypt(worker, tokenRow(worker.jdbc(), id), TokenField.ACCESS_TOKEN);
    }

    private static String decrypt(TestWorker worker, Map<String, Object> row, TokenField field) {
        byte[] ciphertext = (byte[]) row.get(field == TokenField.ACCESS_TOKEN ? "access_token_ciphertext"
                : "refresh_token_ciphertext");
        return worker.bean(TokenCipher.class).decrypt(ciphertext, (String) row.get("encryption_key_id"),
                new TokenBinding((String) row.get("region"), (String) row.get("resource_owner_type"),
                        (String) row.get("resource_owner_id"), field));
    }

    public static Instant instant(Object timestamp) {
        return timestamp instanceof OffsetDateTime odt ? odt.toInstant() : ((java.sql.Timestamp) timestamp).toInstant();
    }

    public static StepExecution step(JobExecution execution, String name) {
        return execution.getStepExecutions().stream()
                .filter(s -> s.getStepName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + execution.getStepExecutions()));
    }
}
