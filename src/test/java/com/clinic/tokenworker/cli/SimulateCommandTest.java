package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.support.Documentation;
import com.clinic.tokenworker.support.FreePort;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.DatabaseTarget;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code simulate} as a web-tier developer uses it: the command itself, over real HTTP, then stopped. */
@ExtendWith(OutputCaptureExtension.class)
class SimulateCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String REDIRECT_URI = "http://localhost:8080/oauth/fullscript/callback";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Thread command;
    private final AtomicInteger exitCode = new AtomicInteger(-1);

    /** Starts {@code simulate} on a thread, as the process would run it, and waits for its banner. */
    private String simulate(CapturedOutput output, String... options) {
        int port = FreePort.find();
        String[] args = new String[options.length + 3];
        args[0] = "simulate";
        args[1] = "--port";
        args[2] = String.valueOf(port);
        System.arraycopy(options, 0, args, 3, options.length);
        command = new Thread(() -> exitCode.set(Main.execute(Map.of(), Clock.systemUTC(), args)), "simulate");
        command.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("Serving until Ctrl-C"));
        return "http://127.0.0.1:" + port;
    }

    /** Ctrl-C, as far as the command can tell: the wait it is parked in ends. */
    private int stop() throws InterruptedException {
        command.interrupt();
        command.join(10_000);
        return exitCode.get();
    }

    @AfterEach
    void stopIfStillRunning() throws InterruptedException {
        if (command != null && command.isAlive()) {
            stop();
        }
    }

    @Test
    void simulateWhenStartedThenAMintedCodeIsExchangedOnceOverHttpAndStopEndsIt(CapturedOutput output)
            throws Exception {
        String base = simulate(output, "--client-id", "web-dev-id", "--client-secret", "web-dev-secret",
                "--expires-in-as-string");

        HttpResponse<String> minted = post(base + "/simulator/codes", "{\"redirect_uri\":\"" + REDIRECT_URI + "\"}");
        String code = JSON.readTree(minted.body()).get("code").stringValue();
        String exchange = "{\"grant_type\":\"authorization_code\",\"client_id\":\"web-dev-id\","
                + "\"client_secret\":\"web-dev-secret\",\"code\":\"" + code + "\",\"redirect_uri\":\""
                + REDIRECT_URI + "\"}";
        HttpResponse<String> first = post(base + "/api/oauth/token", exchange);
        HttpResponse<String> second = post(base + "/api/oauth/token", exchange);
        HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/simulator/stats")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(minted.statusCode()).isEqualTo(201);
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode oauth = JSON.readTree(first.body()).get("oauth");
        assertThat(oauth.get("access_token").stringValue()).isNotBlank();
        assertThat(oauth.get("refresh_token").stringValue()).isNotBlank();
        assertThat(oauth.get("expires_in").isString()).isTrue();
        assertThat(oauth.get("expires_in").stringValue()).isEqualTo("7200");
        assertThat(first.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(second.body()).get("error").stringValue()).isEqualTo("invalid_grant");
        assertThat(JSON.readTree(stats.body()).get("tokenRequests").asLong()).isEqualTo(2);
        assertThat(output.getOut()).contains("listening on " + base, "web-dev-id", "web-dev-secret",
                base + "/simulator/codes", base + "/simulator/stats",
                "FULLSCRIPT_US_BASE_URL=" + base + " FULLSCRIPT_US_CLIENT_ID=web-dev-id");

        assertThat(stop()).isZero();
        assertThat(output.getAll()).contains("simulator stopped");
        assertThatRefused(base);
    }

    /** The web tier guide's local end-to-end run: simulate, mint with curl, insert as the web tier, run the worker. */
    @Test
    void simulateWhenTheWorkerRunsAgainstItThenTheInsertedCodeIsExchanged(CapturedOutput output) throws Exception {
        String base = simulate(output);
        DatabaseTarget database = TestDatabase.freshDatabase();
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_DATASOURCE_URL", database.url());
        env.put("SPRING_DATASOURCE_USERNAME", database.username());
        env.put("FULLSCRIPT_US_BASE_URL", base);
        env.put("FULLSCRIPT_US_CLIENT_ID", "simulator-client-id");
        env.put("FULLSCRIPT_US_CLIENT_SECRET", "simulator-client-secret");
        env.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());
        assertThat(Main.execute(env, Clock.systemUTC(), "run")).isZero(); // creates the tables
        String code = JSON.readTree(post(base + "/simulator/codes", "").body()).get("code").stringValue();
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database.url(), database.username(),
                database.password()));
        jdbc.sql(documentedInsert()).param("code", code).update();

        int exit = Main.execute(env, Clock.systemUTC(), "run");

        assertThat(exit).isZero();
        assertThat(jdbc.sql("SELECT status FROM oauth_pending_code").query(String.class).single())
                .isEqualTo("EXCHANGED");
        assertThat(jdbc.sql("SELECT count(*) FROM oauth_token WHERE status = 'ACTIVE'").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void simulateWhenFaultRatesAddUpToMoreThanOneThenUsageErrorWithoutStackTrace(CapturedOutput output) {
        int exit = Main.execute(Map.of(), Clock.systemUTC(), "simulate", "--port", "0", "--rate-limited", "0.7",
                "--server-errors", "0.5");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr()).contains("--rate-limited, --server-errors, --lost-responses, --invalid-grants are "
                + "shares of the same requests and must sum to at most 1, got 1.20").doesNotContain("\tat ");
    }

    @Test
    void simulateWhenThePortIsTakenThenSaysWhichOptionToChange(CapturedOutput output) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            int exit = Main.execute(Map.of(), Clock.systemUTC(), "simulate", "--port",
                    String.valueOf(taken.getLocalPort()));

            assertThat(exit).isEqualTo(ExitCode.FAILURE.code());
            assertThat(output.getErr()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--port").doesNotContain("\tat ");
        }
    }

    /** The insert of the web tier guide's end-to-end run, its shell variable as a parameter. */
    private static String documentedInsert() {
        Path guide = Documentation.DOCS.resolve("web-tier.md");
        List<String> inserts = Documentation.blocks(Documentation.read(guide), "bash").stream()
                .flatMap(String::lines).filter(l -> l.contains("-c \"INSERT INTO oauth_pending_code")).toList();
        assertThat(inserts).as("the psql insert of %s", guide).hasSize(1);
        String line = inserts.get(0);
        String sql = line.substring(line.indexOf("-c \"") + 4, line.lastIndexOf('"'));
        assertThat(sql).contains("'$CODE'");
        return sql.replace("'$CODE'", ":code");
    }

    private HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void assertThatRefused(String base) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/simulator/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("the simulator still answers after it was stopped");
        } catch (ConnectException expected) {
            // stopped
        } catch (IOException | InterruptedException e) {
            assertThat(e).hasRootCauseInstanceOf(ConnectException.class);
        }
    }
}
