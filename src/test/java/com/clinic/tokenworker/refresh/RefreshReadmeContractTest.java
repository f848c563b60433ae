package com.clinic.tokenworker.refresh;

import static com.clinic.tokenworker.support.TokenFixture.authorizeAll;
import static com.clinic.tokenworker.support.TokenFixture.refreshTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.Main;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.ResourceOwnerRef;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.Documentation;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs every SQL statement and command of docs/refresh-pipeline.md, and the runbook's token queries, in the order
 * an external pipeline and an operator would, against a real worker: the documented contract is the one the code
 * keeps. The statements use the database's now(), so this test runs on the system clock.
 */
class RefreshReadmeContractTest {

    private static final String JAR = "java -jar target/fullscript-token-worker.jar ";

    private final Map<String, String> statements = documentedStatements();
    private final Set<String> executed = new LinkedHashSet<>();
    private JdbcClient jdbc;

    @Test
    void readmeWhenFollowedByAnExternalPipelineAndAnOperatorThenEveryStatementDoesWhatItSays() throws Exception {
        Clock clock = Clock.systemUTC();
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
            env.put("SPRING_DATASOURCE_URL", database.url());
            env.put("SPRING_DATASOURCE_USERNAME", database.username());
            Map<String, String> flaggingOnly = new HashMap<>(env);
            flaggingOnly.put("TOKENWORKER_REFRESH_ENABLED", "false");
            try (TestWorker flagger = TestWorker.start(database, flaggingOnly, clock);
                 TestWorker refresher = TestWorker.start(database, env, clock)) {
                jdbc = flagger.jdbc();
                List<Long> ids = authorizeAll(flagger, fullscript, List.of("prac-stored", "prac-failing",
                        "prac-refused", "prac-flag-sql"));
                long stored = ids.get(0);
                long failing = ids.get(1);
                long refused = ids.get(2);
                long flaggedBySql = ids.get(3);
                jdbc.sql("UPDATE oauth_token SET expires_at = now() + interval '10 minutes' WHERE id <> :id")
                        .param("id", flaggedBySql).update();
                List<String> oldRefreshTokens = ids.stream().map(id -> refreshTokenOf(flagger, id)).toList();

                // The documented switch: the built-in refresh is off, the flag still comes.
                assertThat(Main.execute(env, clock, readmeCommand())).isZero();
                assertThat(List.of(stored, failing, refused)).allSatisfy(id ->
                        assertThat(tokenRow(jdbc, id)).containsEntry("status", "REFRESH_DUE"));
                assertThat(oldRefreshTokens).allSatisfy(t -> assertThat(fullscript.timesRefreshTokenSent(t)).isZero());

                jdbc.sql("UPDATE oauth_token SET expires_at = now() + interval '5 minutes' WHERE id = :id")
                        .param("id", flaggedBySql).update();
                assertThat(run("flag: what flagExpiringTokens does (:margin is TOKENWORKER_REFRESH_MARGIN, e.g. "
                        + "'PT20M')", Map.of("margin", "PT20M"))).isEqualTo(1);
                assertThat(tokenRow(jdbc, flaggedBySql)).containsEntry("status", "REFRESH_DUE");
                assertThat(ids(rows("operator: tokens due", Map.of()))).containsExactlyInAnyOrderElementsOf(ids);

                List<Map<String, Object>> claimed = rows("external pipeline: claim", Map.of("owner", "external-1"));
                assertThat(ids(claimed)).containsExactlyInAnyOrderElementsOf(ids);

                JobExecution whileLeased = refresher.runOnce();
                assertThat(step(whileLeased, "refreshTokens").getReadCount())
                        .as("the built-in refresh never touches a row the external pipeline holds").isZero();
                assertThat(oldRefreshTokens).allSatisfy(t -> assertThat(fullscript.timesRefreshTokenSent(t)).isZero());

                Map<String, Object> storedClaim = byId(claimed, stored);
                TokenGrant grant = externalRefresh(flagger, storedClaim);
                TokenCipher cipher = flagger.bean(TokenCipher.class);
                Map<String, Object> store = new HashMap<>();
                store.put("access_ciphertext", cipher.encrypt(grant.accessToken(), binding(storedClaim,
                        TokenField.ACCESS_TOKEN)));
                store.put("refresh_ciphertext", cipher.encrypt(grant.refreshToken().orElseThrow(),
                        binding(storedClaim, TokenField.REFRESH_TOKEN)));
                store.put("key_id", cipher.currentKeyId());
                store.put("issued_at", OffsetDateTime.ofInstant(grant.issuedAt(), ZoneOffset.UTC));
                store.put("expires_at", OffsetDateTime.ofInstant(grant.expiresAt(), ZoneOffset.UTC));
                store.put("id", stored);
                store.put("version", storedClaim.get("version"));
                assertThat(run("external pipeline: store the refreshed pair", store)).isEqualTo(1);
                assertThat(run("external pipeline: store the refreshed pair", store))
                        .as("a second write over the same version loses").isEqualTo(0);
                assertThat(tokenRow(jdbc, stored)).containsEntry("status", "ACTIVE").containsEntry("version", 1L)
                        .containsEntry("lease_owner", null);
                assertThat(fullscript.isRefreshTokenActive(refreshTokenOf(flagger, stored))).isTrue();

                Map<String, Object> failingClaim = byId(claimed, failing);
                assertThat(run("external pipeline: transient failure", Map.of("id", failing, "owner", "external-1",
                        "lease_until", failingClaim.get("lease_until"), "reason", "HTTP 503")))
                        .isEqualTo(1);
                assertThat(ids(rows("operator: tokens failing", Map.of()))).containsExactly(failing);

                Map<String, Object> refusedClaim = byId(claimed, refused);
                assertThat(run("external pipeline: invalid_grant", Map.of("id", refused, "owner", "external-1",
                        "lease_until", refusedClaim.get("lease_until"), "version", refusedClaim.get("version"),
                        "reason", "invalid_grant: the user must authorize again"))).isEqualTo(1);
                assertThat(ids(rows("operator: tokens requiring re-authorization", Map.of())))
                        .containsExactly(refused);

                jdbc.sql("UPDATE oauth_token SET expires_at = now() - interval '1 minute' WHERE id = :id")
                        .param("id", failing).update();
                assertThat(rows("operator: tokens that expired while due (alert when not 0)", Map.of()))
                        .singleElement().satisfies(r -> assertThat(r.get("expired_while_due")).isEqualTo(1L));

                // The user of the failing token authorizes again: the grant it replaces is queued and revoked by
                // the same run (revokeTokens runs with the built-in refresh off, too).
                String replacedRefresh = refreshTokenOf(flagger, failing);
                authorizeAll(flagger, fullscript, List.of("prac-failing"));
                assertThat(rows("operator: grants waiting to be revoked", Map.of())).isEmpty();
                assertThat(fullscript.isRefreshTokenActive(replacedRefresh)).isFalse();
                assertThat(tokenRow(jdbc, failing)).containsEntry("status", "ACTIVE");

                assertThat(run("application: use a token (refresh on demand under recently-used)",
                        Map.of("id", stored))).isEqualTo(1);
                assertThat(tokenRow(jdbc, stored).get("last_used_at")).isNotNull();

                assertThat(run("application: request revocation", Map.of("id", stored))).isEqualTo(1);
                refresher.runOnce();
                assertThat(tokenRow(jdbc, stored)).containsEntry("status", "REVOKED")
                        .containsEntry("refresh_token_ciphertext", null);

                assertThat(rows("operator: what the last runs did", Map.of()))
                        .extracting(r -> r.get("step_name"))
                        .contains("flagExpiringTokens", "refreshTokens", "revokeTokens");
            }
        }
        assertThat(executed).as("every statement of " + PAGE + " is exercised").containsAll(pageLabels());
    }

    private static TokenGrant externalRefresh(TestWorker worker, Map<String, Object> claim) {
        TokenCipher cipher = worker.bean(TokenCipher.class);
        String refreshToken = cipher.decrypt((byte[]) claim.get("refresh_token_ciphertext"),
                (String) claim.get("encryption_key_id"), binding(claim, TokenField.REFRESH_TOKEN));
        TokenEndpointResult result = worker.bean(FullscriptClient.class).refresh(
                worker.bean(TokenWorkerProperties.class).credentials(Region.US).orElseThrow(), refreshToken,
                (String) claim.get("redirect_uri"), new ResourceOwnerRef((String) claim.get("resource_owner_type"),
                        (String) claim.get("resource_owner_id")));
        assertThat(result).isInstanceOf(TokenEndpointResult.Granted.class);
        return ((TokenEndpointResult.Granted) result).grant();
    }

    private static TokenBinding binding(Map<String, Object> claim, TokenField field) {
        return new TokenBinding((String) claim.get("region"), (String) claim.get("resource_owner_type"),
                (String) claim.get("resource_owner_id"), field);
    }

    private int run(String label, Map<String, ?> params) {
        executed.add(label);
        return jdbc.sql(statement(label)).params(params).update();
    }

    private List<Map<String, Object>> rows(String label, Map<String, ?> params) {
        executed.add(label);
        return jdbc.sql(statement(label)).params(params).query().listOfRows();
    }

    private String statement(String label) {
        String sql = statements.get(label);
        assertThat(sql).as("README statement labelled '-- %s'", label).isNotNull();
        return sql;
    }

    private static List<Long> ids(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> (Long) r.get("id")).toList();
    }

    private static Map<String, Object> byId(List<Map<String, Object>> rows, long id) {
        return rows.stream().filter(r -> r.get("id").equals(id)).findFirst().orElseThrow();
    }

    private static final Path PAGE = Documentation.DOCS.resolve("refresh-pipeline.md");

    /**
     * The labelled SQL of this page and of those it sends its readers to (the operator's queries are in the runbook,
     * the application's in the README and the web tier's guide); every block of this page must carry a label.
     */
    private static Map<String, String> documentedStatements() {
        assertThat(Documentation.sqlBlocks(PAGE)).as("SQL blocks of " + PAGE).isNotEmpty()
                .allSatisfy(sql -> assertThat(Documentation.label(sql)).as("every SQL block of %s starts with a "
                        + "'-- label' line", PAGE).isNotNull());
        return Documentation.labelledSql(List.of(Documentation.README, PAGE, Documentation.DOCS.resolve("runbook.md"),
                Documentation.DOCS.resolve("web-tier.md")));
    }

    private static Set<String> pageLabels() {
        return Documentation.sqlBlocks(PAGE).stream().map(Documentation::label)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String[] readmeCommand() {
        List<String> commands = Documentation.read(PAGE).lines().filter(l -> l.startsWith(JAR)).toList();
        assertThat(commands).as("the commands of " + PAGE).hasSize(1);
        return Arrays.stream(commands.get(0).substring(JAR.length()).trim().split("\\s+")).toArray(String[]::new);
    }
}
