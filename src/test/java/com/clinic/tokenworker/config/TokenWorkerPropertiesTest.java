package com.clinic.tokenworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.fullscript.FullscriptEnvironment;
import com.clinic.tokenworker.fullscript.Region;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenWorkerPropertiesTest {

    private static final String KEY = EncryptionKey.generate().toBase64();

    private static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("FULLSCRIPT_US_CLIENT_ID", "us-client");
        env.put("FULLSCRIPT_US_CLIENT_SECRET", "us-very-secret");
        env.put("TOKEN_ENCRYPTION_KEY", KEY);
        return env;
    }

    @Test
    void loadWhenOnlyRequiredVariablesAreSetThenDefaultsApply() {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(valid());
        properties.requireTokenProcessing();

        assertThat(properties.environment()).isEqualTo(FullscriptEnvironment.SANDBOX);
        assertThat(properties.credentials(Region.US).orElseThrow().baseUrl())
                .isEqualTo(URI.create("https://api-us-snd.fullscript.io"));
        assertThat(properties.credentials(Region.CA)).as("CA disabled without credentials").isEmpty();
        assertThat(properties.concurrency()).isEqualTo(8);
        assertThat(properties.requestsPer5Min()).isEqualTo(1000);
        assertThat(properties.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(properties.refreshMargin()).isEqualTo(Duration.ofMinutes(20));
        assertThat(properties.refreshActiveWithin()).isEqualTo(Duration.ofDays(7));
        assertThat(properties.refreshPolicy()).isEqualTo(RefreshPolicy.ALL);
    }

    @Test
    void loadWhenProductionThenProductionRootsUnlessOverridden() {
        Map<String, String> env = valid();
        env.put("FULLSCRIPT_ENVIRONMENT", "production");
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.internal:5432/clinic");
        env.put("FULLSCRIPT_CA_CLIENT_ID", "ca-client");
        env.put("FULLSCRIPT_CA_CLIENT_SECRET", "ca-secret");
        env.put("FULLSCRIPT_CA_BASE_URL", "https://api-ca.fullscript.io/");

        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(env);

        assertThat(properties.credentials(Region.US).orElseThrow().baseUrl())
                .isEqualTo(URI.create("https://api-us.fullscript.com"));
        assertThat(properties.credentials(Region.CA).orElseThrow().baseUrl())
                .isEqualTo(URI.create("https://api-ca.fullscript.io"));
    }

    @Test
    void loadWhenManyValuesAreWrongThenEveryProblemNamesItsVariable() {
        Map<String, String> env = valid();
        env.put("FULLSCRIPT_ENVIRONMENT", "prod");
        env.put("TOKENWORKER_CONCURRENCY", "0");
        env.put("TOKENWORKER_REQUESTS_PER_5MIN", "9000");
        env.put("TOKENWORKER_INTERVAL", "15s");
        env.put("TOKENWORKER_REFRESH_POLICY", "sometimes");
        env.put("TOKENWORKER_REFRESH_ENABLED", "yes");
        env.put("FULLSCRIPT_CA_CLIENT_ID", "ca-client");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationProblem::variable)
                        .containsExactlyInAnyOrder("FULLSCRIPT_ENVIRONMENT", "TOKENWORKER_CONCURRENCY",
                                "TOKENWORKER_REQUESTS_PER_5MIN", "TOKENWORKER_INTERVAL",
                                "TOKENWORKER_REFRESH_POLICY", "TOKENWORKER_REFRESH_ENABLED",
                                "FULLSCRIPT_CA_CLIENT_SECRET"))
                .hasMessageContaining("FULLSCRIPT_ENVIRONMENT: expected sandbox or production, got 'prod'")
                .hasMessageContaining("example: FULLSCRIPT_ENVIRONMENT=production");
    }

    @Test
    void loadWhenEncryptionKeyIsMalformedThenTheMessageNamesItButNeverShowsIt() {
        Map<String, String> env = valid();
        env.put("TOKEN_ENCRYPTION_KEY", "c2hvcnQta2V5LXRoYXQtaXMtc2VjcmV0");
        env.put("TOKEN_ENCRYPTION_PREVIOUS_KEYS", KEY + ",not base64!");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("TOKEN_ENCRYPTION_KEY: each key must decode to 32 bytes")
                .hasMessageContaining("TOKEN_ENCRYPTION_PREVIOUS_KEYS: each key is not valid base64")
                .hasMessageNotContaining("c2hvcnQta2V5LXRoYXQtaXMtc2VjcmV0")
                .hasMessageNotContaining("not base64!");
    }

    @Test
    void loadWhenSecretIsSetWithoutItsClientIdThenTheSecretIsNotEchoed() {
        Map<String, String> env = valid();
        env.put("FULLSCRIPT_CA_CLIENT_SECRET", "ca-super-secret");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("FULLSCRIPT_CA_CLIENT_ID: must be set together with FULLSCRIPT_CA_CLIENT_SECRET")
                .hasMessageNotContaining("ca-super-secret");
    }

    @Test
    void loadWhenBaseUrlIsPlainHttpThenOnlyLoopbackIsAccepted() {
        Map<String, String> loopback = valid();
        loopback.put("FULLSCRIPT_US_BASE_URL", "http://127.0.0.1:8090");
        assertThat(TokenWorkerProperties.fromEnvironment(loopback).credentials(Region.US).orElseThrow().baseUrl())
                .isEqualTo(URI.create("http://127.0.0.1:8090"));

        Map<String, String> remote = valid();
        remote.put("FULLSCRIPT_US_BASE_URL", "http://api-us.fullscript.com");
        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(remote))
                .hasMessageContaining("FULLSCRIPT_US_BASE_URL: plain http is only allowed for a loopback address");
    }

    @Test
    void loadWhenLeaseDoesNotOutlastTheRequestTimeoutThenRefused() {
        Map<String, String> env = valid();
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT10S");
        env.put("TOKENWORKER_LEASE", "PT12S");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("TOKENWORKER_LEASE: must exceed TOKENWORKER_REQUEST_TIMEOUT (PT10S)");
    }

    @Test
    void loadWhenRefreshMarginCannotCoverIntervalAndRunThenRefusedNamingTheValues() {
        Map<String, String> env = valid();
        env.put("TOKENWORKER_INTERVAL", "PT10M");
        env.put("TOKENWORKER_MAX_RUN_DURATION", "PT10M");
        env.put("TOKENWORKER_REFRESH_MARGIN", "PT20M");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("TOKENWORKER_REFRESH_MARGIN: is PT20M, but must exceed TOKENWORKER_INTERVAL (PT10M) + "
                        + "TOKENWORKER_MAX_RUN_DURATION (PT10M) = PT20M");
    }

    @Test
    void loadWhenDatabaseUrlIsNotAPostgresJdbcUrlThenRefusedBeforeAnyConnection() {
        Map<String, String> env = valid();
        env.put("SPRING_DATASOURCE_URL", "postgres://db:5432/clinic");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("SPRING_DATASOURCE_URL: expected a PostgreSQL JDBC URL");

        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://replace-me:5432/tokenworker");
        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .as("the example Secret's placeholder").hasMessageContaining("SPRING_DATASOURCE_URL");
    }

    @Test
    void requireTokenProcessingWhenNoKeyAndNoRegionThenBothAreNamed() {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(Map.of());

        assertThatThrownBy(properties::requireTokenProcessing)
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationProblem::variable)
                        .containsExactly("TOKEN_ENCRYPTION_KEY", "FULLSCRIPT_US_CLIENT_ID"));
    }

    @Test
    void forTokenProcessingWhenAValueIsWrongAndTheKeyIsMissingThenBothAreReportedAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("TOKENWORKER_CONCURRENCY", "100");

        assertThatThrownBy(() -> TokenWorkerProperties.forTokenProcessing(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationProblem::variable)
                        .containsExactly("TOKENWORKER_CONCURRENCY", "TOKEN_ENCRYPTION_KEY", "FULLSCRIPT_US_CLIENT_ID"));
    }

    @Test
    void loadWhenDatabaseUrlCarriesAPasswordThenTheMessageLeavesItOut() {
        Map<String, String> env = valid();
        env.put("SPRING_DATASOURCE_URL", "postgresql://worker:TopSecretPw@db:5432/clinic?password=TopSecretPw");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("SPRING_DATASOURCE_URL").hasMessageNotContaining("TopSecretPw");
    }

    @Test
    void loadWhenLogLevelIsMisspelledThenNamedInsteadOfIgnored() {
        Map<String, String> env = valid();
        env.put("TOKENWORKER_LOG_LEVEL", "verbose");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .hasMessageContaining("TOKENWORKER_LOG_LEVEL: expected ERROR, WARN, INFO, DEBUG or TRACE");
        env.put("TOKENWORKER_LOG_LEVEL", "debug");
        assertThat(TokenWorkerProperties.fromEnvironment(env)).isNotNull();
    }

    @Test
    void loadWhenTimeoutLeavesNoRoomForAValidLeaseThenRefusedWithAnExampleThatWouldPass() {
        Map<String, String> tooLong = valid();
        tooLong.put("TOKENWORKER_REQUEST_TIMEOUT", "PT55S");
        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(tooLong))
                .hasMessageContaining("TOKENWORKER_REQUEST_TIMEOUT: expected an ISO-8601 duration from PT1S to PT50S");

        Map<String, String> shortLease = valid();
        shortLease.put("TOKENWORKER_REQUEST_TIMEOUT", "PT30S");
        shortLease.put("TOKENWORKER_LEASE", "PT35S");
        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(shortLease))
                .hasMessageContaining("(example: TOKENWORKER_LEASE=PT1M)");
    }

    @Test
    void loadWhenNothingIsSetThenTheRequestTimeoutUsesMostOfTheLeaseAndFitsTheShutdownGrace() {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(valid());

        assertThat(properties.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.lease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(properties.requestTimeout().plus(TokenWorkerProperties.STOP_MARGIN))
                .isLessThanOrEqualTo(TokenWorkerProperties.SHUTDOWN_GRACE);
    }

    @Test
    void loadWhenTheRequestTimeoutOutlastsTheShutdownGraceThenRefusedNamingTheLimit() {
        Map<String, String> env = valid();
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT35S");
        env.put("TOKENWORKER_LEASE", "PT60S");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().hasToString("TOKENWORKER_REQUEST_TIMEOUT: is PT35S, but must leave 10 s of "
                                + "the 40 s the process gives itself to stop after SIGTERM, so at most PT30S: a "
                                + "longer call in flight at a shutdown is cut off, and its code waits a lease and "
                                + "may be reported lost (example: TOKENWORKER_REQUEST_TIMEOUT=PT30S)"));
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT30S");
        assertThat(TokenWorkerProperties.fromEnvironment(env).requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void loadWhenTheDatabaseUrlIsSetButEmptyThenRefusedNamingIt() {
        for (String blank : new String[] {"", "  "}) {
            Map<String, String> env = valid();
            env.put("SPRING_DATASOURCE_URL", blank);

            assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                    .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                            .singleElement().extracting(ConfigurationProblem::variable)
                            .isEqualTo("SPRING_DATASOURCE_URL"))
                    .hasMessageContaining("SPRING_DATASOURCE_URL: is set but empty");
        }
    }

    @Test
    void loadWhenProductionHasNoDatabaseUrlThenTheEmbeddedDatabaseIsRefused() {
        Map<String, String> env = valid();
        env.put("FULLSCRIPT_ENVIRONMENT", "production");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().hasToString("SPRING_DATASOURCE_URL: is required when FULLSCRIPT_ENVIRONMENT "
                                + "is production: the embedded database is for development only, its data in a local "
                                + "folder (example: SPRING_DATASOURCE_URL=jdbc:postgresql://db.internal:5432/clinic)"));
    }

    @Test
    void forTokenProcessingWhenTheKeyIsMalformedThenOnlyItsRealProblemIsReported() {
        Map<String, String> env = valid();
        env.put("TOKEN_ENCRYPTION_KEY", "abc");

        assertThatThrownBy(() -> TokenWorkerProperties.forTokenProcessing(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement().satisfies(p -> {
                            assertThat(p.variable()).isEqualTo("TOKEN_ENCRYPTION_KEY");
                            assertThat(p.expectation()).startsWith("each key must decode to 32 bytes")
                                    .doesNotContain("is required");
                        }));
    }

    @Test
    void forTokenProcessingWhenOnlyASecretIsMissingThenNoRegionFollowOnIsReported() {
        Map<String, String> env = valid();
        env.remove("FULLSCRIPT_US_CLIENT_SECRET");

        assertThatThrownBy(() -> TokenWorkerProperties.forTokenProcessing(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationProblem::toString)
                        .containsExactly("FULLSCRIPT_US_CLIENT_SECRET: must be set together with "
                                + "FULLSCRIPT_US_CLIENT_ID (or unset both to disable the US region)"));
    }

    @Test
    void loadWhenAValueWasTypedAsAnOptionThenTheProblemNamesTheOption() {
        Map<String, String> env = valid();
        env.put("TOKENWORKER_CONCURRENCY", "abc");
        env.put("TOKENWORKER_INTERVAL", "PT10S");
        env.put("TOKENWORKER_STATUS_MAX_SILENCE", "PT5S");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env, Map.of(
                Setting.TOKENWORKER_CONCURRENCY, "--concurrency", Setting.TOKENWORKER_INTERVAL, "--interval")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationProblem::toString)
                        .containsExactly("--concurrency: expected a whole number from 1 to 64, got 'abc' "
                                        + "(example: --concurrency=8)",
                                "TOKENWORKER_STATUS_MAX_SILENCE: must exceed --interval (PT10S), or status asks for "
                                        + "attention between any two runs (example: "
                                        + "TOKENWORKER_STATUS_MAX_SILENCE=PT30S)"));
    }

    @Test
    void loadWhenAValueIsRefusedThenNoRuleBetweenSettingsRepeatsItWithTheDefaultInItsPlace() {
        Map<String, String> env = valid();
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT55S");
        env.put("TOKENWORKER_LEASE", "PT15S");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationProblem::variable)
                        .as("not also 'TOKENWORKER_LEASE must exceed the (default) timeout'")
                        .containsExactly("TOKENWORKER_REQUEST_TIMEOUT"));
    }

    @Test
    void regionCredentialsNeverPrintTheirSecret() {
        TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(valid());

        assertThat(properties.credentials(Region.US).orElseThrow().toString()).doesNotContain("us-very-secret");
    }
}
