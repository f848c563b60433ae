package com.clinic.tokenworker.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The attention rules, applied to figures already read. Pure: the tests of the thresholds need no database. */
public final class HealthRules {

    private HealthRules() {
    }

    public static List<Finding> evaluate(CodesReport codes, RunsReport runs, StatusThresholds thresholds,
                                         Instant now) {
        List<Finding> findings = new ArrayList<>();
        if (codes.expiredLastHour() > 0) {
            Instant latest = codes.lastExpiredAt();
            findings.add(new Finding(AttentionRule.CODE_EXPIRED, codes.expiredLastHour()
                    + " code(s) reached the 10-minute deadline unexchanged in the last hour"
                    + (latest == null ? "" : ", the latest at " + Durations.instant(latest))
                    + "; those users must authorize again"));
        }
        noRecentCompletedRun(runs, thresholds, now).ifPresent(findings::add);
        for (UnfinishedExecution execution : runs.unfinished()) {
            if (execution.stuck()) {
                findings.add(new Finding(AttentionRule.STUCK_EXECUTION, "execution " + execution.id() + " is "
                        + execution.status() + " but has written nothing since "
                        + Durations.instant(execution.lastHeartbeat()) + " ("
                        + Durations.human(Duration.ofSeconds(execution.silentSeconds())) + ", longer than "
                        + "TOKENWORKER_MAX_RUN_DURATION " + thresholds.maxRunDuration() + "): its process has "
                        + "probably died" + (execution.launchedBy() == null ? "" : " (launched by "
                        + execution.launchedBy() + ")")));
            }
        }
        return findings;
    }

    private static Optional<Finding> noRecentCompletedRun(RunsReport runs, StatusThresholds thresholds,
                                                                    Instant now) {
        if (runs.lastCompletedAt() == null) {
            return Optional.of(new Finding(AttentionRule.NO_RECENT_COMPLETED_RUN, runs.executionsEver() == 0
                    ? "tokenMaintenanceJob has never run against this database: is the worker (CronJob or daemon) "
                    + "running?"
                    : "none of the " + runs.executionsEver() + " tokenMaintenanceJob execution(s) has ever COMPLETED"));
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
}
