package com.clinic.tokenworker.config;

import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.fullscript.FullscriptEnvironment;
import com.clinic.tokenworker.fullscript.Region;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The worker's whole configuration, read from environment variables (see {@link Setting}) and validated at once,
 * before anything touches a database or the network. Every problem is reported together, each naming the
 * variable to set.
 *
 * <p>The worker does not bind these through Spring's relaxed binding: the variable names are a contract with the
 * operators (and {@code FULLSCRIPT_US_CLIENT_ID} would not bind to a {@code clientId} field anyway).
 */
public final class TokenWorkerProperties {

    /** Codes are single use and valid for 10 minutes after Fullscript issued them. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

    /**
     * A call only starts while its lease still has its whole timeout plus this to run: room for clock skew
     * between pods, and for a pause between the check and the send.
     */
    public static final Duration LEASE_SAFETY = Duration.ofSeconds(5);

    /** A killed worker's codes must come back with time to spare before their 10-minute deadline. */
    public static final Duration MAX_LEASE = Duration.ofSeconds(60);

    /**
     * How long the process gives itself to stop after SIGTERM before it exits anyway ({@code cli.TerminationSignal});
     * Kubernetes sends SIGKILL 45 s after SIGTERM.
     */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(40);

    /**
     * What a stop needs after the last call in flight returned: record the outcomes, shut Quartz down, close the
     * context. A request timeout must leave this much of {@link #SHUTDOWN_GRACE}.
     */
    public static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    private final Optional<String> datasourceUrl;
    private final Optional<String> datasourceUsername;
    private final Optional<String> datasourcePassword;
    private final FullscriptEnvironment environment;
    private final Map<Region, RegionCredentials> enabledRegions;
    private final Optional<EncryptionKey> encryptionKey;
    private final boolean encryptionKeyGiven;
    private final boolean regionCredentialsGiven;
    private final List<EncryptionKey> previousEncryptionKeys;
    private final int concurrency;
    private final int requestsPer5Min;
    private final Duration requestTimeout;
    private final Duration lease;
    private final Duration interval;
    private final ListenMode listenMode;
    private final boolean refreshEnabled;
    private final Duration refreshMargin;
    private final RefreshPolicy refreshPolicy;
    private final Duration refreshActiveWithin;
    private final Duration maxRunDuration;
    private final Duration statusMaxSilence;
    private final Duration historyRetention;
    private final Duration credentialCheckInterval;
    private final Path embeddedDataDir;
    private final int embeddedPort;
    private final int metricsPort;

    private TokenWorkerProperties(Reader r) {
        datasourceUrl = r.optional(Setting.SPRING_DATASOURCE_URL).filter(url -> r.jdbcUrl(Setting.SPRING_DATASOURCE_URL, url));
        if (r.isSetButBlank(Setting.SPRING_DATASOURCE_URL)) {
            // Unset means "the embedded development database"; an empty value is a mistake (a Secret's key left
            // blank), and taking it as unset ran production on a throwaway database.
            r.problem(Setting.SPRING_DATASOURCE_URL, "is set but empty: set it to the worker's PostgreSQL, or unset "
                    + "it to use the embedded development database", "jdbc:postgresql://db.internal:5432/clinic");
        }
        datasourceUsername = r.optional(Setting.SPRING_DATASOURCE_USERNAME);
        datasourcePassword = r.optional(Setting.SPRING_DATASOURCE_PASSWORD);
        environment = r.parse(Setting.FULLSCRIPT_ENVIRONMENT, TokenWorkerProperties::parseEnvironment,
                "sandbox or production", "production", FullscriptEnvironment.SANDBOX);
        enabledRegions = readRegions(r, environment);
        regionCredentialsGiven = Arrays.stream(Region.values()).anyMatch(region ->
                r.isGiven(Setting.valueOf(region.variablePrefix() + "CLIENT_ID"))
                        || r.isGiven(Setting.valueOf(region.variablePrefix() + "CLIENT_SECRET")));
        encryptionKeyGiven = r.isGiven(Setting.TOKEN_ENCRYPTION_KEY);
        encryptionKey = r.optional(Setting.TOKEN_ENCRYPTION_KEY).flatMap(v -> r.key(Setting.TOKEN_ENCRYPTION_KEY, v));
        previousEncryptionKeys = r.optional(Setting.TOKEN_ENCRYPTION_PREVIOUS_KEYS).stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .filter(v -> !v.isBlank())
                .flatMap(v -> r.key(Setting.TOKEN_ENCRYPTION_PREVIOUS_KEYS, v).stream())
                .toList();
        concurrency = r.integer(Setting.TOKENWORKER_CONCURRENCY, 1, 64);
        requestsPer5Min = r.integer(Setting.TOKENWORKER_REQUESTS_PER_5MIN, 1, 5000);
        requestTimeout = r.duration(Setting.TOKENWORKER_REQUEST_TIMEOUT, Duration.ofSeconds(1),
                MAX_LEASE.minus(LEASE_SAFETY.multipliedBy(2)));
        lease = r.duration(Setting.TOKENWORKER_LEASE, Duration.ofSeconds(2), MAX_LEASE);
        interval = r.duration(Setting.TOKENWORKER_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1));
        listenMode = r.parse(Setting.TOKENWORKER_LISTEN, v -> ListenMode.fromValue(v).orElse(null), "auto or off",
                "off", ListenMode.AUTO);
        refreshEnabled = r.bool(Setting.TOKENWORKER_REFRESH_ENABLED);
        refreshMargin = r.duration(Setting.TOKENWORKER_REFRESH_MARGIN, Duration.ofMinutes(1), Duration.ofMinutes(110));
        refreshPolicy = r.parse(Setting.TOKENWORKER_REFRESH_POLICY, v -> RefreshPolicy.fromValue(v).orElse(null),
                "all or recently-used", "recently-used", RefreshPolicy.ALL);
        refreshActiveWithin = r.duration(Setting.TOKENWORKER_REFRESH_ACTIVE_WITHIN, Duration.ofHours(1),
                Duration.ofDays(365));
        maxRunDuration = r.duration(Setting.TOKENWORKER_MAX_RUN_DURATION, Duration.ofSeconds(10), Duration.ofHours(1));
        statusMaxSilence = r.optional(Setting.TOKENWORKER_STATUS_MAX_SILENCE).isEmpty()
                ? interval.multipliedBy(3)
                : r.duration(Setting.TOKENWORKER_STATUS_MAX_SILENCE, Duration.ofSeconds(3), Duration.ofDays(1),
                        "PT3M");
        historyRetention = r.duration(Setting.TOKENWORKER_HISTORY_RETENTION, Duration.ofDays(1), Duration.ofDays(3650));
        credentialCheckInterval = r.duration(Setting.TOKENWORKER_CREDENTIAL_CHECK_INTERVAL, Duration.ofMinutes(1),
                Duration.ofDays(1));
        // Logback reads this variable itself (logging.WorkerLogConfigurator); it is checked here so a typo is
        // named, not ignored.
        r.parse(Setting.TOKENWORKER_LOG_LEVEL,
                v -> v.trim().toUpperCase(Locale.ROOT).matches("ERROR|WARN|INFO|DEBUG|TRACE") ? v : null,
                "ERROR, WARN, INFO, DEBUG or TRACE", "DEBUG", "INFO");
        embeddedDataDir = Path.of(r.raw(Setting.TOKENWORKER_EMBEDDED_DATA_DIR));
        embeddedPort = r.integer(Setting.TOKENWORKER_EMBEDDED_PORT, 1024, 65535);
        metricsPort = r.integer(Setting.TOKENWORKER_METRICS_PORT, 0, 65535);
        if (metricsPort > 0 && metricsPort < 1024) {
            // The image runs as a non-root user, which cannot bind a privileged port.
            r.problem(Setting.TOKENWORKER_METRICS_PORT,
                    "expected 0 (no metrics server) or a port from 1024 to 65535, got '" + metricsPort + "'",
                    Setting.TOKENWORKER_METRICS_PORT.defaultValue());
        }
        checkRulesBetweenSettings(r);
    }

    /**
     * Rules that tie two settings together. Each is checked only when the values it compares are valid: a rule
     * broken by a value already reported (and replaced by its default) would only repeat the first problem.
     */
    private void checkRulesBetweenSettings(Reader r) {
        if (environment == FullscriptEnvironment.PRODUCTION && datasourceUrl.isEmpty()
                && r.valid(Setting.FULLSCRIPT_ENVIRONMENT, Setting.SPRING_DATASOURCE_URL)) {
            r.problem(Setting.SPRING_DATASOURCE_URL, "is required when " + r.label(Setting.FULLSCRIPT_ENVIRONMENT)
                    + " is production: the embedded database is for development only, its data in a local folder",
                    "jdbc:postgresql://db.internal:5432/clinic");
        }
        if (r.valid(Setting.TOKENWORKER_REQUEST_TIMEOUT)
                && requestTimeout.plus(STOP_MARGIN).compareTo(SHUTDOWN_GRACE) > 0) {
            r.problem(Setting.TOKENWORKER_REQUEST_TIMEOUT, "is " + requestTimeout + ", but must leave "
                    + STOP_MARGIN.toSeconds() + " s of the " + SHUTDOWN_GRACE.toSeconds() + " s the process gives "
                    + "itself to stop after SIGTERM, so at most " + SHUTDOWN_GRACE.minus(STOP_MARGIN) + ": a longer "
                    + "call in flight at a shutdown is cut off, and its code waits a lease and may be reported lost",
                    SHUTDOWN_GRACE.minus(STOP_MARGIN).toString());
        }
        Duration leaseFloor = requestTimeout.plus(LEASE_SAFETY.multipliedBy(2));
        if (r.valid(Setting.TOKENWORKER_LEASE, Setting.TOKENWORKER_REQUEST_TIMEOUT)
                && lease.compareTo(leaseFloor) < 0) {
            r.problem(Setting.TOKENWORKER_LEASE,
                    "must exceed " + r.label(Setting.TOKENWORKER_REQUEST_TIMEOUT) + " (" + requestTimeout
                            + ") by at least " + LEASE_SAFETY.multipliedBy(2).toSeconds() + " seconds, so a call "
                            + "always ends before its claim can pass to another worker",
                    min(leaseFloor.plusSeconds(25), MAX_LEASE).toString());
        }
        if (r.valid(Setting.TOKENWORKER_STATUS_MAX_SILENCE, Setting.TOKENWORKER_INTERVAL)
                && statusMaxSilence.compareTo(interval) <= 0) {
            r.problem(Setting.TOKENWORKER_STATUS_MAX_SILENCE,
                    "must exceed " + r.label(Setting.TOKENWORKER_INTERVAL) + " (" + interval + "), or status asks "
                            + "for attention between any two runs", interval.multipliedBy(3).toString());
        }
        if (r.valid(Setting.TOKENWORKER_MAX_RUN_DURATION, Setting.TOKENWORKER_LEASE)
                && maxRunDuration.compareTo(lease) <= 0) {
            r.problem(Setting.TOKENWORKER_MAX_RUN_DURATION,
                    "must exceed " + r.label(Setting.TOKENWORKER_LEASE) + " (" + lease + "): an execution "
                            + "launched by a worker without a liveness lock is judged dead by its heartbeat, and a "
                            + "call may hold it up to a lease",
                    lease.multipliedBy(4).toString());
        }
        if (r.valid(Setting.TOKENWORKER_REFRESH_MARGIN, Setting.TOKENWORKER_INTERVAL,
                Setting.TOKENWORKER_MAX_RUN_DURATION)
                && refreshMargin.compareTo(interval.plus(maxRunDuration)) <= 0) {
            r.problem(Setting.TOKENWORKER_REFRESH_MARGIN,
                    "is " + refreshMargin + ", but must exceed " + r.label(Setting.TOKENWORKER_INTERVAL) + " ("
                            + interval + ") + " + r.label(Setting.TOKENWORKER_MAX_RUN_DURATION) + " ("
                            + maxRunDuration + ") = " + interval.plus(maxRunDuration) + ": a token flagged just "
                            + "after one run is refreshed by the next, which may start an interval later and take "
                            + "that long (lower the other two, or raise the margin)",
                    interval.plus(maxRunDuration).plusMinutes(10).toString());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Reads and validates everything; problems that do not depend on the command are reported here. */
    public static TokenWorkerProperties fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, Map.of());
    }

    /**
     * Like {@link #fromEnvironment(Map)}, for values some of which were typed as command-line options: a problem
     * with one of those is reported under the option's name (and its example written as that option).
     *
     * @param optionNames for each setting given as an option, the option's name, e.g. {@code --concurrency}
     */
    public static TokenWorkerProperties fromEnvironment(Map<String, String> env, Map<Setting, String> optionNames) {
        Reader reader = new Reader(env, optionNames);
        TokenWorkerProperties properties = new TokenWorkerProperties(reader);
        reader.throwIfProblems();
        return properties;
    }

    /**
     * For the commands that exchange and refresh tokens ({@code run}, {@code daemon}): everything
     * {@link #fromEnvironment} checks plus a key to encrypt with and at least one region, all reported at once.
     */
    public static TokenWorkerProperties forTokenProcessing(Map<String, String> env) {
        return forTokenProcessing(env, Map.of());
    }

    /** {@link #forTokenProcessing(Map)} with problems named as in {@link #fromEnvironment(Map, Map)}. */
    public static TokenWorkerProperties forTokenProcessing(Map<String, String> env, Map<Setting, String> optionNames) {
        Reader reader = new Reader(env, optionNames);
        TokenWorkerProperties properties = new TokenWorkerProperties(reader);
        properties.tokenProcessingProblems().forEach(reader::problem);
        reader.throwIfProblems();
        return properties;
    }

    /** The checks of {@link #forTokenProcessing}, for properties already loaded. */
    public void requireTokenProcessing() {
        List<ConfigurationProblem> problems = tokenProcessingProblems();
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    private List<ConfigurationProblem> tokenProcessingProblems() {
        List<ConfigurationProblem> problems = new ArrayList<>();
        // A key or a region credential that was given but wrong is reported already, under its own variable.
        if (encryptionKey.isEmpty() && !encryptionKeyGiven) {
            problems.add(ConfigurationProblem.of(Setting.TOKEN_ENCRYPTION_KEY,
                    "is required: base64 of 32 random bytes (generate one with: openssl rand -base64 32)",
                    "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="));
        }
        if (enabledRegions.isEmpty() && !regionCredentialsGiven) {
            problems.add(new ConfigurationProblem("FULLSCRIPT_US_CLIENT_ID",
                    "no Fullscript region is configured: set FULLSCRIPT_US_CLIENT_ID and FULLSCRIPT_US_CLIENT_SECRET "
                            + "(and/or the FULLSCRIPT_CA_ pair) to the app credentials from the Fullscript API dashboard",
                    "your-client-id"));
        }
        return problems;
    }

    private static Map<Region, RegionCredentials> readRegions(Reader r, FullscriptEnvironment environment) {
        Map<Region, RegionCredentials> regions = new EnumMap<>(Region.class);
        for (Region region : Region.values()) {
            Setting idSetting = Setting.valueOf(region.variablePrefix() + "CLIENT_ID");
            Setting secretSetting = Setting.valueOf(region.variablePrefix() + "CLIENT_SECRET");
            Setting urlSetting = Setting.valueOf(region.variablePrefix() + "BASE_URL");
            Optional<String> id = r.optional(idSetting);
            Optional<String> secret = r.optional(secretSetting);
            Optional<URI> root = r.optional(urlSetting).flatMap(v -> r.serverRoot(urlSetting, v));
            if (id.isPresent() != secret.isPresent()) {
                Setting missing = id.isPresent() ? secretSetting : idSetting;
                r.problem(missing, "must be set together with " + (id.isPresent() ? idSetting : secretSetting)
                        + " (or unset both to disable the " + region + " region)",
                        missing == idSetting ? "your-client-id" : null);
            }
            if (id.isPresent() && secret.isPresent()) {
                regions.put(region, new RegionCredentials(region, id.get(), secret.get(),
                        root.orElse(environment.defaultRoot(region))));
            }
        }
        return Map.copyOf(regions);
    }

    private static FullscriptEnvironment parseEnvironment(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "sandbox" -> FullscriptEnvironment.SANDBOX;
            case "production" -> FullscriptEnvironment.PRODUCTION;
            default -> null;
        };
    }

    /** A copy of {@code env} with {@code overrides} laid over it: options of a command win over variables. */
    public static Map<String, String> overlay(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        merged.putAll(overrides);
        return merged;
    }

    public Optional<String> datasourceUrl() {
        return datasourceUrl;
    }

    public Optional<String> datasourceUsername() {
        return datasourceUsername;
    }

    public Optional<String> datasourcePassword() {
        return datasourcePassword;
    }

    public FullscriptEnvironment environment() {
        return environment;
    }

    public Map<Region, RegionCredentials> enabledRegions() {
        return enabledRegions;
    }

    public Optional<RegionCredentials> credentials(Region region) {
        return Optional.ofNullable(enabledRegions.get(region));
    }

    public Optional<EncryptionKey> encryptionKey() {
        return encryptionKey;
    }

    public List<EncryptionKey> previousEncryptionKeys() {
        return previousEncryptionKeys;
    }

    public int concurrency() {
        return concurrency;
    }

    public int requestsPer5Min() {
        return requestsPer5Min;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Whether a call started at {@code now} ends, even at its timeout, before the lease until {@code leaseUntil}
     * can pass to another worker (with {@link #LEASE_SAFETY} to spare). No call starts otherwise: the same code or
     * refresh token could be sent twice.
     */
    public boolean callFitsInLease(Instant now, Instant leaseUntil) {
        return !now.plus(requestTimeout).plus(LEASE_SAFETY).isAfter(leaseUntil);
    }

    public Duration interval() {
        return interval;
    }

    /** Whether the scheduled modes LISTEN for work (docs/notifications.md) or only poll every interval. */
    public ListenMode listenMode() {
        return listenMode;
    }

    public boolean refreshEnabled() {
        return refreshEnabled;
    }

    public Duration refreshMargin() {
        return refreshMargin;
    }

    public RefreshPolicy refreshPolicy() {
        return refreshPolicy;
    }

    public Duration refreshActiveWithin() {
        return refreshActiveWithin;
    }

    public Duration maxRunDuration() {
        return maxRunDuration;
    }

    /** How long {@code status} tolerates no COMPLETED run: TOKENWORKER_STATUS_MAX_SILENCE, or three intervals. */
    public Duration statusMaxSilence() {
        return statusMaxSilence;
    }

    /** Finished history older than this is purged by the job's last step (history.PurgeHistoryTasklet). */
    public Duration historyRetention() {
        return historyRetention;
    }

    /** How often the job's first step verifies each region's credentials (credentials.VerifyCredentialsTasklet). */
    public Duration credentialCheckInterval() {
        return credentialCheckInterval;
    }

    public Path embeddedDataDir() {
        return embeddedDataDir;
    }

    public int embeddedPort() {
        return embeddedPort;
    }

    /** Port of the metrics and probes server of {@code daemon} and {@code run --window}; empty when turned off. */
    public OptionalInt metricsPort() {
        return metricsPort == 0 ? OptionalInt.empty() : OptionalInt.of(metricsPort);
    }

    /**
     * Reads variables, collecting every problem instead of stopping at the first. A problem is reported under the
     * name the user typed: the command-line option when the value came from one, else the variable.
     */
    private static final class Reader {
        private final Map<String, String> env;
        private final Map<Setting, String> optionNames;
        private final List<ConfigurationProblem> problems = new ArrayList<>();
        private final Set<Setting> invalid = EnumSet.noneOf(Setting.class);

        Reader(Map<String, String> env, Map<Setting, String> optionNames) {
            this.env = env;
            this.optionNames = Map.copyOf(optionNames);
        }

        /** The option the value was given with ({@code --concurrency}), or the variable's name. */
        String label(Setting setting) {
            return optionNames.getOrDefault(setting, setting.name());
        }

        void problem(Setting setting, String expectation, String example) {
            invalid.add(setting);
            problems.add(new ConfigurationProblem(label(setting), expectation, example));
        }

        void problem(ConfigurationProblem problem) {
            problems.add(problem);
        }

        /** None of these settings has been reported: rules between them may be checked. */
        boolean valid(Setting... settings) {
            return Arrays.stream(settings).noneMatch(invalid::contains);
        }

        /** Set to something other than blanks. */
        boolean isGiven(Setting setting) {
            String value = env.get(setting.name());
            return value != null && !value.isBlank();
        }

        boolean isSetButBlank(Setting setting) {
            String value = env.get(setting.name());
            return value != null && value.isBlank();
        }

        void throwIfProblems() {
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException(problems);
            }
        }

        Optional<String> optional(Setting setting) {
            String value = env.get(setting.name());
            if (value == null || value.isBlank()) {
                return Optional.ofNullable(setting.defaultValue()).filter(v -> !v.isBlank());
            }
            return Optional.of(value.trim());
        }

        String raw(Setting setting) {
            return optional(setting).orElse(setting.defaultValue());
        }

        private String shown(Setting setting, String value) {
            return setting.isSecret() ? "" : ", got '" + value + "'";
        }

        <T> T parse(Setting setting, Function<String, T> parser, String expectation, String example, T fallback) {
            String value = raw(setting);
            T parsed = parser.apply(value);
            if (parsed == null) {
                problem(setting, "expected " + expectation + shown(setting, value), example);
                return fallback;
            }
            return parsed;
        }

        int integer(Setting setting, int min, int max) {
            String value = raw(setting);
            try {
                int parsed = Integer.parseInt(value.trim());
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(setting, "expected a whole number from " + min + " to " + max
                    + shown(setting, value), setting.defaultValue());
            return Integer.parseInt(setting.defaultValue());
        }

        boolean bool(Setting setting) {
            String value = raw(setting).trim().toLowerCase(Locale.ROOT);
            if (value.equals("true") || value.equals("false")) {
                return Boolean.parseBoolean(value);
            }
            problem(setting, "expected true or false" + shown(setting, value), "false");
            return Boolean.parseBoolean(setting.defaultValue());
        }

        Duration duration(Setting setting, Duration min, Duration max) {
            return duration(setting, min, max, setting.defaultValue());
        }

        Duration duration(Setting setting, Duration min, Duration max, String example) {
            String value = raw(setting);
            Duration parsed = parseDuration(value);
            if (parsed != null && parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
            problem(setting, "expected an ISO-8601 duration from " + min + " to " + max
                    + shown(setting, value), example);
            return setting.defaultValue() == null ? null : parseDuration(setting.defaultValue());
        }

        /** ISO-8601 durations; day-based periods (P7D) are accepted too since operators write them naturally. */
        private static Duration parseDuration(String value) {
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                try {
                    Period period = Period.parse(value.trim());
                    return period.getYears() == 0 && period.getMonths() == 0 ? Duration.ofDays(period.getDays()) : null;
                } catch (DateTimeParseException notAPeriodEither) {
                    return null;
                }
            }
        }

        Optional<EncryptionKey> key(Setting setting, String value) {
            try {
                return Optional.of(EncryptionKey.fromBase64(value));
            } catch (IllegalArgumentException e) {
                problem(setting, "each key " + e.getMessage()
                        + "; expected base64 of 32 random bytes (openssl rand -base64 32)", null);
                return Optional.empty();
            }
        }

        /** A typo here would otherwise surface as "database unreachable" after a long connection timeout. */
        boolean jdbcUrl(Setting setting, String value) {
            if (value.startsWith("jdbc:postgresql://") && !value.contains("//replace-me")) {
                return true;
            }
            // Only scheme, host and path are shown: operators do put user and password in the query string.
            String safe = value.replaceAll("\\?.*$", "?...").replaceAll("//[^/@]*@", "//...@");
            problem(setting, "expected a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)"
                    + ", got '" + safe + "'", "jdbc:postgresql://db.internal:5432/clinic");
            return false;
        }

        /** Client secrets travel in the body, so plain http is only tolerated to a server on this machine. */
        Optional<URI> serverRoot(Setting setting, String value) {
            URI uri;
            try {
                uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || uri.getScheme() == null
                    || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                problem(setting, "expected an absolute https URL of the server root, got '"
                        + value + "'", "https://api-us.fullscript.com");
                return Optional.empty();
            }
            if (uri.getScheme().equals("http") && !isLoopback(uri.getHost())) {
                problem(setting, "plain http is only allowed for a loopback address (the "
                        + "client secret travels in the request), got '" + value + "'",
                        "https://api-us.fullscript.com");
                return Optional.empty();
            }
            return Optional.of(uri);
        }

        private static boolean isLoopback(String host) {
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false; // never resolve names here: validation must not touch the network
            }
            try {
                return InetAddress.getByName(literal).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
