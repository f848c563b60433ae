package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Serves a fake Fullscript OAuth server for web-tier development and local end-to-end runs.",
        description = {
                "Serves a fake Fullscript OAuth server (one region, one app) until Ctrl-C or SIGTERM, for web-tier "
                        + "developers and local end-to-end runs: POST /api/oauth/token (authorization_code and "
                        + "refresh_token, single-use 10-minute codes, refresh-token rotation), POST /api/oauth/revoke, "
                        + "and the developer endpoints POST /simulator/codes (mint a code as if a user had clicked "
                        + "Authorize) and GET /simulator/stats.",
                "Fake data only, no authentication on the developer endpoints: it binds to 127.0.0.1 by default.",
                ""})
public class SimulateCommand implements Callable<Integer> {

    static final int DEFAULT_PORT = 8090;

    @ParentCommand
    TokenWorkerCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--region", paramLabel = "us|ca", defaultValue = "us",
            description = "Which region's variables to print for the worker (default ${DEFAULT-VALUE}); run two "
                    + "simulators on two ports to have both.")
    String region;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "simulator-client-id",
            description = "The one client id it accepts (default ${DEFAULT-VALUE}).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET", defaultValue = "simulator-client-secret",
            description = "The one client secret it accepts (default ${DEFAULT-VALUE}).")
    String clientSecret;

    @Option(names = "--redirect-uri", paramLabel = "URI",
            defaultValue = "http://localhost:8080/oauth/fullscript/callback",
            description = "redirect_uri of minted codes when the mint request names none (default ${DEFAULT-VALUE}).")
    String redirectUri;

    @Option(names = "--access-token-lifetime", paramLabel = "DURATION", defaultValue = "PT2H",
            converter = IsoDurationConverter.class,
            description = "expires_in of issued access tokens, ISO-8601 (default ${DEFAULT-VALUE}, like Fullscript).")
    Duration accessTokenLifetime;

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "PT0S",
            converter = IsoDurationConverter.class,
            description = "Delay before every token and revoke request is answered, ISO-8601 (e.g. PT0.3S).")
    Duration latency;

    @Option(names = "--rate-limited", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of token requests answered 429 (half of them with Retry-After), 0..1.")
    double rateLimited;

    @Option(names = "--server-errors", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of token requests answered 500/502/503/504, 0..1.")
    double serverErrors;

    @Option(names = "--lost-responses", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of token requests processed (the code used, the token rotated) whose connection is "
                    + "then dropped without an answer, 0..1.")
    double lostResponses;

    @Option(names = "--invalid-grants", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of token requests answered 400 invalid_grant, 0..1.")
    double invalidGrants;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the random faults, to replay a run (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--expires-in-as-string",
            description = "Send \"expires_in\":\"7200\" (as Fullscript's schema says) instead of a number.")
    boolean expiresInAsString;

    @Option(names = "--omit-refresh-token",
            description = "Answer refreshes without refresh_token; the old one then stays valid.")
    boolean omitRefreshToken;

    @Override
    public Integer call() {
        Region shownRegion = Region.fromCode(region).orElseThrow(() -> invalid("--region", "us or ca", region,
                "ca"));
        requireValidValues();
        SimulatorOptions options = options();
        FakeFullscriptServer server;
        try {
            server = FakeFullscriptServer.start(options, parent.clock());
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("error: cannot listen on " + bindAddress + ":" + port + " ("
                    + e.getCause().getMessage() + "); choose another with --port");
            return ExitCode.FAILURE.code();
        }
        TerminationSignal signal = TerminationSignal.install();
        try (signal; server) {
            printBanner(server, shownRegion, spec.commandLine().getOut());
            signal.await();
        } catch (InterruptedException e) {
            // How a test (or an embedding program) stops it: the same as a signal.
            Thread.currentThread().interrupt();
        } finally {
            spec.commandLine().getOut().println("simulator stopped");
            spec.commandLine().getOut().flush();
            signal.finished(ExitCode.OK.code());
        }
        return ExitCode.OK.code();
    }

    /** The options' rules, said in the options' names (SimulatorOptions checks them again, in its fields'). */
    private void requireValidValues() {
        if (port < 0 || port > 65535) {
            throw invalid("--port", "a port from 0 to 65535 (0 picks a free one)", port, "8090");
        }
        if (accessTokenLifetime.isNegative() || accessTokenLifetime.isZero()) {
            throw invalid("--access-token-lifetime", "a positive ISO-8601 duration", accessTokenLifetime, "PT2H");
        }
        if (latency.isNegative()) {
            throw invalid("--latency", "an ISO-8601 duration of zero or more", latency, "PT0.3S");
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        shares.put("--rate-limited", rateLimited);
        shares.put("--server-errors", serverErrors);
        shares.put("--lost-responses", lostResponses);
        shares.put("--invalid-grants", invalidGrants);
        shares.forEach((option, share) -> {
            if (!(share >= 0 && share <= 1)) {
                throw invalid(option, "a share from 0 to 1", share, "0.1");
            }
        });
        double sum = shares.values().stream().mapToDouble(Double::doubleValue).sum();
        if (sum > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join(", ", shares.keySet())
                    + " are shares of the same requests and must sum to at most 1, got "
                    + String.format(Locale.ROOT, "%.3g", sum) + " (example: --rate-limited=0.1 --server-errors=0.05)");
        }
    }

    private CommandLine.ParameterException invalid(String option, String expected, Object got, String example) {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option
                + "': expected " + expected + ", got '" + got + "' (example: " + option + "=" + example + ")");
    }

    private SimulatorOptions options() {
        try {
            return SimulatorOptions.builder()
                    .bindAddress(bindAddress)
                    .port(port)
                    .clientId(clientId)
                    .clientSecret(clientSecret)
                    .defaultRedirectUri(redirectUri)
                    .accessTokenLifetime(accessTokenLifetime)
                    .latency(latency)
                    .rateLimitedRate(rateLimited)
                    .serverErrorRate(serverErrors)
                    .lostResponseRate(lostResponses)
                    .invalidGrantRate(invalidGrants)
                    .randomSeed(seed)
                    .expiresInAsString(expiresInAsString)
                    .omitRefreshTokenOnRefresh(omitRefreshToken)
                    .build();
        } catch (IllegalArgumentException e) {
            // The options' own checks (rates in 0..1 summing to at most 1, positive lifetime, port range).
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid simulator option: "
                    + e.getMessage());
        }
    }

    /** Its own client secret is fake and printed on purpose: the developer has to configure the worker with it. */
    private void printBanner(FakeFullscriptServer server, Region shownRegion, PrintWriter out) {
        String base = server.baseUrl().toString();
        String prefix = shownRegion.variablePrefix();
        out.println("Fake Fullscript (" + shownRegion.code() + ") listening on " + base
                + "  -- for development only: fake data, no authentication on /simulator");
        out.println("  client id       " + clientId);
        out.println("  client secret   " + clientSecret);
        out.println("  token           POST " + base + "/api/oauth/token");
        out.println("  revoke          POST " + base + "/api/oauth/revoke");
        out.println("  mint a code     curl -s -X POST " + base + "/simulator/codes -d '{\"redirect_uri\":\""
                + redirectUri + "\"}'");
        out.println("  counters        curl -s " + base + "/simulator/stats");
        out.println("  faults          " + faults());
        out.println("Point the worker at it:");
        out.println("  " + prefix + "BASE_URL=" + base + " " + prefix + "CLIENT_ID=" + clientId + " " + prefix
                + "CLIENT_SECRET=" + clientSecret);
        out.println("Serving until Ctrl-C.");
        out.flush();
    }

    private String faults() {
        if (rateLimited + serverErrors + lostResponses + invalidGrants == 0 && latency.isZero()) {
            return "none (see --help for 429, 5xx, lost responses, invalid_grant and latency)";
        }
        return String.format(Locale.ROOT, "429 %.0f%%, 5xx %.0f%%, lost responses %.0f%%, invalid_grant %.0f%%, "
                        + "latency %s, seed %d", rateLimited * 100, serverErrors * 100, lostResponses * 100,
                invalidGrants * 100, latency, seed);
    }
}
