package com.clinic.tokenworker.status;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/** The human-readable status: verdict and fired rules first, then codes, tokens, the 429 pause and the runs. */
public final class StatusTable {

    private StatusTable() {
    }

    public static void print(StatusReport report, PrintWriter out) {
        out.println("Token worker status at " + Durations.instant(report.checkedAt()) + ": "
                + (report.healthy() ? "HEALTHY (no attention rule fired)" : "ATTENTION NEEDED"));
        for (Finding finding : report.attention()) {
            out.println("  ! " + finding.rule() + ": " + finding.message());
        }
        out.println();
        codes(report.codes(), out);
        out.println();
        tokens(report.tokens(), out);
        out.println();
        throttle(report, out);
        out.println();
        runs(report, out);
        out.flush();
    }

    private static void codes(CodesReport codes, PrintWriter out) {
        out.println("Codes (oauth_pending_code)");
        for (Map.Entry<String, Long> entry : codes.byStatus().entrySet()) {
            String note = "";
            WaitingCode oldest = codes.oldestWaiting();
            if (oldest != null && entry.getKey().equals(oldest.status())) {
                note = "oldest #" + oldest.id() + " received " + Durations.instant(oldest.receivedAt()) + ", "
                        + Durations.human(Duration.ofSeconds(oldest.ageSeconds())) + " old, "
                        + (oldest.secondsLeft() > 0 ? Durations.human(Duration.ofSeconds(oldest.secondsLeft()))
                        + " left before its 10-minute deadline" : "past its 10-minute deadline");
            } else if (entry.getKey().equals("EXPIRED")) {
                note = codes.expiredLastHour() + " in the last hour";
            } else if (entry.getKey().equals("FAILED")) {
                note = codes.failedLastHour() + " in the last hour";
            }
            row(out, entry.getKey(), entry.getValue(), note);
        }
        if (!codes.latestProblems().isEmpty()) {
            out.println("  Latest EXPIRED or FAILED in the last hour (newest first):");
            for (FinishedCode code : codes.latestProblems()) {
                out.printf("    #%d %s %s at %s after %d attempt(s): %s%s%n", code.id(), code.status(), code.region(),
                        Durations.instant(code.finishedAt()), code.attempts(),
                        code.lastError() == null ? "-" : code.lastError(), requestIdUnlessSaid(code));
            }
        }
    }

    /** Fullscript support asks for the X-Request-Id; the recorded errors usually quote it already. */
    private static String requestIdUnlessSaid(FinishedCode code) {
        if (code.lastRequestId() == null
                || (code.lastError() != null && code.lastError().contains(code.lastRequestId()))) {
            return "";
        }
        return " [X-Request-Id " + code.lastRequestId() + "]";
    }

    private static void row(PrintWriter out, String status, long count, String note) {
        out.println(String.format("  %-17s %8d   %s", status, count, note).stripTrailing());
    }

    private static void tokens(TokensReport tokens, PrintWriter out) {
        out.println("Tokens (oauth_token)");
        for (Map.Entry<String, Long> entry : tokens.byStatus().entrySet()) {
            String note = "";
            if (entry.getKey().equals("REFRESH_DUE") && tokens.oldestRefreshDueAt() != null) {
                note = "due since " + Durations.instant(tokens.oldestRefreshDueAt()) + " (oldest)";
            } else if (entry.getKey().equals("REAUTH_REQUIRED")) {
                note = tokens.reauthRequiredLastHour() + " changed in the last hour";
            }
            row(out, entry.getKey(), entry.getValue(), note);
        }
        if (tokens.refreshErrors() > 0) {
            out.println("  " + tokens.refreshErrors() + " ACTIVE or REFRESH_DUE token(s) carry a refresh error "
                    + "(oauth_token.last_error)");
        }
        if (tokens.grantsToRevoke() > 0) {
            out.println("  " + tokens.grantsToRevoke() + " grant(s) no longer kept wait to be revoked at Fullscript, "
                    + "the oldest queued " + Durations.instant(tokens.oldestGrantToRevokeAt())
                    + " (oauth_grant_revocation)");
        }
    }

    private static void throttle(StatusReport report, PrintWriter out) {
        ThrottleReport throttle = report.throttle();
        if (!throttle.paused()) {
            out.println("Fullscript 429 pause: none");
            return;
        }
        out.println("Fullscript 429 pause: until " + Durations.instant(throttle.pausedUntil()) + " ("
                + Durations.human(Duration.between(report.checkedAt(), throttle.pausedUntil())) + " from now)"
                + (throttle.reason() == null ? "" : ": " + throttle.reason()));
    }

    private static void runs(StatusReport report, PrintWriter out) {
        RunsReport runs = report.runs();
        out.println("tokenMaintenanceJob runs: " + runs.executionsEver() + " in total, last COMPLETED "
                + (runs.lastCompletedAt() == null ? "never" : Durations.instant(runs.lastCompletedAt()) + " ("
                + Durations.ago(runs.lastCompletedAt(), report.checkedAt()) + ")")
                + "; attention after " + Durations.human(Duration.ofSeconds(runs.maxSilenceSeconds()))
                + " without one");
        if (!runs.unfinished().isEmpty()) {
            out.println("  Unfinished:");
            for (UnfinishedExecution execution : runs.unfinished()) {
                out.printf("    %d %s since %s, last heartbeat %s (%s ago)%s%s%n", execution.id(), execution.status(),
                        Durations.instant(execution.startedAt()), Durations.instant(execution.lastHeartbeat()),
                        Durations.human(Duration.ofSeconds(execution.silentSeconds())),
                        execution.stuck() ? " STUCK" : "",
                        execution.launchedBy() == null ? "" : ", launched by " + execution.launchedBy());
            }
        }
        if (runs.recent().isEmpty()) {
            return;
        }
        out.printf("  %-10s %-10s %-10s %-21s %-9s %s%n", "EXECUTION", "STATUS", "EXIT", "STARTED", "DURATION",
                "LAUNCHED BY");
        for (ExecutionReport execution : runs.recent()) {
            out.printf("  %-10d %-10s %-10s %-21s %-9s %s%n", execution.id(), execution.status(),
                    execution.exitCode(), Durations.instant(execution.startedAt()),
                    execution.durationMillis() == null ? "-"
                            : Durations.human(Duration.ofMillis(execution.durationMillis())),
                    execution.launchedBy() == null ? "-" : execution.launchedBy());
            boolean saidByAStep = execution.steps().stream()
                    .anyMatch(step -> execution.exitMessage() != null
                            && execution.exitMessage().equals(step.exitDescription()));
            if (execution.exitMessage() != null && !saidByAStep) {
                out.println("             " + execution.exitMessage());
            }
            for (StepReport step : execution.steps()) {
                out.printf("             %s %s read=%d write=%d filter=%d%s%n", step.name(), step.status(),
                        step.readCount(), step.writeCount(), step.filterCount(),
                        step.exitDescription() == null ? "" : ": " + step.exitDescription());
            }
        }
    }
}
