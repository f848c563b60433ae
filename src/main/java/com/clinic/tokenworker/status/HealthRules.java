package com.clinic.tokenworker.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The attention rules, one method each, applied to figures already read; the order is the order printed. */
public final class HealthRules {

    private HealthRules() {
    }

    public static List<Finding> evaluate(CodesReport codes, RunsReport runs, CredentialsReport credentials,
                                         StatusThresholds thresholds, Instant now) {
        List<Finding> findings = new ArrayList<>();
        codeExpired(codes).ifPresent(findings::add);
        noRecentCompletedRun(runs, thresholds, now).ifPresent(findings::add);
        findings.addAll(stuckExecutions(runs, thresholds));
        findings.addAll(credentialsRejected(credentials));
        findings.addAll(undecryptableTokens(credentials));
        return findings;
    }

    private static List<Finding> credentialsRejected(CredentialsReport credentials) {
        return credentials.refusedRegions().stream()
                .map(r -> {
                    String prefix = "FULLSCRIPT_" + r.region().toUpperCase(Locale.ROOT) + "_";
                    return new Finding(AttentionRule.CREDENTIALS_REJECTED, "region " + r.region() + ": "
                            + r.detail() + " at " + Durations.instant(r.checkedAt())
                            + (r.requestId() == null ? "" : " (X-Request-Id " + r.requestId() + ")")
                            + "; nothing is exchanged, refreshed or revoked there until " + prefix + "CLIENT_ID and "
                            + prefix + "CLIENT_SECRET are fixed (sandbox and production apps differ)");
                })
                .toList();
    }

    private static List<Finding> undecryptableTokens(CredentialsReport credentials) {
        List<Finding> findings = credentials.undecryptable().stream()
                .map(u -> new Finding(AttentionRule.UNDECRYPTABLE_TOKENS, u.tokens() + " token(s) to refresh or "
                        + "revoke are sealed with key id " + (u.keyId() == null ? "(none)" : u.keyId())
                        + ", which the worker " + u.recordedBy() + " did not hold at " + Durations.instant(u.recordedAt())
                        + " (it holds " + String.join(", ", u.workerKeyIds()) + "): token id(s) "
                        + u.tokenIds().stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + (u.tokens() > u.tokenIds().size() ? ", ..." : "")
                        + "; they are held back until that key is in TOKEN_ENCRYPTION_KEY or "
                        + "TOKEN_ENCRYPTION_PREVIOUS_KEYS"))
                .collect(Collectors.toCollection(ArrayList::new));
        credentials.undecryptableGrants().stream()
                .map(g -> new Finding(AttentionRule.UNDECRYPTABLE_TOKENS, g.grants() + " grant(s) waiting to be "
                        + "revoked (oauth_grant_revocation) are sealed with key id " + g.keyId() + ", which the worker "
                        + g.recordedBy() + " did not hold at " + Durations.instant(g.recordedAt()) + " (it holds "
                        + String.join(", ", g.workerKeyIds()) + "); they stay live at Fullscript until that key is in "
                        + "TOKEN_ENCRYPTION_KEY or TOKEN_ENCRYPTION_PREVIOUS_KEYS"))
                .forEach(findings::add);
        return findings;
    }

    private static Optional<Finding> codeExpired(CodesReport codes) {
        if (codes.expiredLastHour() == 0) {
            return Optional.empty();
        }
        return Optional.of(new Finding(AttentionRule.CODE_EXPIRED, codes.expiredLastHour()
                + " code(s) reached the 10-minute deadline unexchanged in the last hour, the latest at "
                + Durations.instant(codes.lastExpiredAt()) + "; those users must authorize again"));
    }

    private static Optional<Finding> noRecentCompletedRun(RunsReport runs, StatusThresholds thresholds, Instant now) {
        if (runs.lastCompletedAt() == null) {
            return Optional.of(new Finding(AttentionRule.NO_RECENT_COMPLETED_RUN, runs.executionsEver() == 0
                    ? "tokenMaintenanceJob has never run against this database: is the worker (CronJob or daemon) "
                            + "running?"
                    : "none of the " + runs.executionsEver() + " tokenMaintenanceJob execution(s) has ever "
                            + "COMPLETED"));
        }
        Duration since = Duration.between(runs.lastCompletedAt(), now);
        if (since.compareTo(thresholds.maxSilence()) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Finding(AttentionRule.NO_RECENT_COMPLETED_RUN, "the last COMPLETED "
                + "tokenMaintenanceJob execution ended at " + Durations.instant(runs.lastCompletedAt()) + ", "
                + Durations.human(since) + " ago; one is expected every " + Durations.human(thresholds.maxSilence())
                + " (TOKENWORKER_STATUS_MAX_SILENCE, by default three TOKENWORKER_INTERVALs)"));
    }

    private static List<Finding> stuckExecutions(RunsReport runs, StatusThresholds thresholds) {
        return runs.unfinished().stream()
                .filter(UnfinishedExecution::stuck)
                .map(e -> new Finding(AttentionRule.STUCK_EXECUTION, "execution " + e.id() + " is " + e.status()
                        + " but has written nothing since " + Durations.instant(e.lastHeartbeat()) + " ("
                        + Durations.human(Duration.ofSeconds(e.silentSeconds())) + ", longer than "
                        + "TOKENWORKER_MAX_RUN_DURATION " + thresholds.maxRunDuration() + "): its process has "
                        + "probably died" + (e.launchedBy() == null ? "" : " (launched by " + e.launchedBy() + ")")))
                .toList();
    }
}
