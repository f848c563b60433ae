package com.clinic.tokenworker.config;

/**
 * Every environment variable the worker reads, with its default and meaning. This enum is the single source of
 * the README's configuration reference (a test keeps the two in step), so a variable is added here or nowhere.
 */
public enum Setting {
    SPRING_DATASOURCE_URL(null, "JDBC URL of the PostgreSQL database. Unset: the embedded development PostgreSQL in TOKENWORKER_EMBEDDED_DATA_DIR (`run`, `daemon` and `demo` start it; `status` only reads one that exists), refused with FULLSCRIPT_ENVIRONMENT=production. Set but empty is an error."),
    SPRING_DATASOURCE_USERNAME(null, "Database user."),
    SPRING_DATASOURCE_PASSWORD(null, "Database password."),
    FULLSCRIPT_ENVIRONMENT("sandbox", "`sandbox` or `production`: picks the default server root of each region."),
    FULLSCRIPT_US_CLIENT_ID(null, "OAuth client id of the US app. The US region is disabled without it and its secret."),
    FULLSCRIPT_US_CLIENT_SECRET(null, "OAuth client secret of the US app."),
    FULLSCRIPT_US_BASE_URL(null, "Override of the US server root (default: sandbox `https://api-us-snd.fullscript.io`, production `https://api-us.fullscript.com`). Plain http only for loopback addresses."),
    FULLSCRIPT_CA_CLIENT_ID(null, "OAuth client id of the Canadian app. The CA region is disabled without it and its secret."),
    FULLSCRIPT_CA_CLIENT_SECRET(null, "OAuth client secret of the Canadian app."),
    FULLSCRIPT_CA_BASE_URL(null, "Override of the CA server root (default: sandbox `https://api-ca-snd.fullscript.io`, production `https://api-ca.fullscript.com`)."),
    TOKEN_ENCRYPTION_KEY(null, "Base64 of 32 random bytes: the AES-256-GCM key that encrypts new tokens. Required."),
    TOKEN_ENCRYPTION_PREVIOUS_KEYS("", "Comma-separated base64 keys that still decrypt older rows during a key rotation; never used to encrypt."),
    TOKENWORKER_CONCURRENCY("8", "Token-endpoint calls in flight at once per worker process (1-64)."),
    TOKENWORKER_REQUESTS_PER_5MIN("1000", "This worker's share of Fullscript's 5,000 requests per rolling 5 minutes, shared by all worker processes through PostgreSQL (1-5000)."),
    TOKENWORKER_REQUEST_TIMEOUT("PT30S", "Timeout of one call to Fullscript (connect and response), ISO-8601 duration. At most PT30S: a call in flight at SIGTERM must end within the 40 s the process gives itself to stop, with 10 s to spare."),
    TOKENWORKER_LEASE("PT45S", "How long a claimed code or token stays reserved for the worker that claimed it. A killed worker's claims come back after it. At most PT60S; must exceed the request timeout by 10 s or more (a call only starts with its timeout + 5 s of lease left)."),
    TOKENWORKER_INTERVAL("PT15S", "How often `daemon` and `run --window` fire the job."),
    TOKENWORKER_LISTEN("auto", "`auto`: `daemon` and `run --window` LISTEN for new codes and revocation requests on one extra database connection and fire the job within milliseconds (checked at start; through a pooler in transaction mode it cannot work, and they say so once and poll); `off`: poll every TOKENWORKER_INTERVAL only. See docs/notifications.md."),
    TOKENWORKER_REFRESH_ENABLED("true", "`false` when another system refreshes tokens: the worker then only flags them REFRESH_DUE."),
    TOKENWORKER_REFRESH_MARGIN("PT20M", "Tokens expiring within this margin are flagged REFRESH_DUE (and refreshed). Must exceed the interval plus a run's duration."),
    TOKENWORKER_REFRESH_POLICY("all", "`all`: flag (and refresh) every expiring token; `recently-used`: only tokens used (`last_used_at`, else authorized) within TOKENWORKER_REFRESH_ACTIVE_WITHIN. Applies to the flag, so an external pipeline follows it too."),
    TOKENWORKER_REFRESH_ACTIVE_WITHIN("P7D", "With the `recently-used` policy, how recently `last_used_at` must lie for a token to be refreshed ahead of time."),
    TOKENWORKER_MAX_RUN_DURATION("PT5M", "The longest one job execution may take: the refresh margin must exceed interval + this, and an execution silent for longer is recovered as dead."),
    TOKENWORKER_STATUS_MAX_SILENCE(null, "`status`: how long may pass without a COMPLETED run before it asks for attention. Unset: three TOKENWORKER_INTERVALs, right for a daemon alone. The shipped ConfigMap sets PT1M: its CronJob windows (`*/5`, `run --window=PT5M30S`) overlap, and a handover between two pods may cost one interval more."),
    TOKENWORKER_HISTORY_RETENTION("P30D", "How long finished history is kept: the job's last step, purgeHistory, deletes tokenMaintenanceJob executions that ended, final codes (EXCHANGED, EXPIRED, FAILED) and REVOKED tokens older than this, at most 1,000 executions and 10,000 codes per run. At least P1D (the monitoring views look back 24 hours)."),
    TOKENWORKER_CREDENTIAL_CHECK_INTERVAL("PT1H", "How often each enabled region's client credentials are verified at Fullscript (one exchange of a dummy code: `invalid_grant` means accepted, `invalid_client` or 401 refused), by the job's first step, verifyCredentials; also whenever the configured credentials change. The result is kept in `oauth_credential_check` for `status`. PT1M to P1D."),
    TOKENWORKER_LOG_LEVEL("INFO", "Level of the worker's own log lines: ERROR, WARN, INFO, DEBUG or TRACE (libraries stay at WARN). Read by logging.WorkerLogConfigurator."),
    TOKENWORKER_METRICS_PORT("9464", "Port of the HTTP server that `daemon` and `run --window` start for Prometheus and the kubelet: `/metrics`, `/livez`, `/readyz` (docs/metrics.md). `0` turns it off; otherwise 1024-65535. A port already taken is logged and the worker runs on without it."),
    TOKENWORKER_EMBEDDED_DATA_DIR("./.tokenworker/pgdata", "Data folder of the embedded development PostgreSQL (used only without SPRING_DATASOURCE_URL)."),
    TOKENWORKER_EMBEDDED_PORT("54329", "Port of the embedded development PostgreSQL, so a local web tier can connect to it.");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The default, or {@code null} when the variable has none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Secrets are never echoed back, not even in a validation message. */
    public boolean isSecret() {
        return name().endsWith("_SECRET") || name().endsWith("_KEY") || name().endsWith("_KEYS")
                || name().endsWith("_PASSWORD");
    }
}
