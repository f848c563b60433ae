package com.clinic.tokenworker.history;

import java.util.Locale;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** What one run of {@code purgeHistory} deleted, in its execution context and summarised into its exit description. */
public enum PurgeTally {
    /** tokenMaintenanceJob executions, with their parameters and execution context. */
    JOB_EXECUTIONS,
    /** The step executions (and their contexts) of those executions. */
    STEP_EXECUTIONS,
    /** Job instances left without any execution. */
    JOB_INSTANCES,
    /** Final oauth_pending_code rows (EXCHANGED, EXPIRED, FAILED). */
    CODES,
    /** REVOKED oauth_token rows, which hold no token any more. */
    REVOKED_TOKENS;

    public String key() {
        return "purge." + label();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public void add(ExecutionContext context, long count) {
        context.putLong(key(), get(context) + count);
    }

    public long get(ExecutionContext context) {
        return context.getLong(key(), 0L);
    }

    /** {@code job_executions=3 (step_executions=15, job_instances=3) codes=40 revoked_tokens=1} */
    public static String summary(ExecutionContext context) {
        return JOB_EXECUTIONS.label() + "=" + JOB_EXECUTIONS.get(context)
                + " (" + STEP_EXECUTIONS.label() + "=" + STEP_EXECUTIONS.get(context)
                + ", " + JOB_INSTANCES.label() + "=" + JOB_INSTANCES.get(context) + ") "
                + CODES.label() + "=" + CODES.get(context) + " "
                + REVOKED_TOKENS.label() + "=" + REVOKED_TOKENS.get(context);
    }
}
