package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Prints the demo's summary table and where to look next. Every figure comes from a {@link DemoSummary}. */
public final class DemoReport {

    /** The refresh pipeline's flagging step; the summary shows its count when the job has it. */
    static final String FLAG_STEP = "flagExpiringTokens";
    static final String RETRIED_TALLY = "exchange.retried";

    /** Where the demo's data stays, for the closing hints. */
    public record Where(String jdbcUrl, Path dataDirectory, String statusCommand, Duration refreshMargin) {
    }

    private DemoReport() {
    }

    public static void print(DemoSummary summary, Where where, PrintWriter out) {
        CodeCounts codes = summary.codes();
        out.println();
        out.println("Demo summary, read back from oauth_pending_code, oauth_token and the Spring Batch job tables:");
        out.println();
        row(out, "figure", "count", "source");
        row(out, "-".repeat(18), "-".repeat(7), "-".repeat(64));
        row(out, "codes inserted", codes.total(), "oauth_pending_code rows with app_user_ref 'demo:...' ("
                + joined(summary.codesByRegion()) + ")");
        row(out, "exchanged", codes.exchanged(), "status EXCHANGED: token stored, code wiped");
        row(out, "expired", codes.expired(), "status EXPIRED: not exchanged within 10 minutes of arrival");
        row(out, "failed", codes.failed(), "status FAILED: Fullscript refused the code (see last_error)");
        row(out, "still waiting", codes.waiting(), "status PENDING or EXCHANGING");
        row(out, "retried", codes.retried(), "attempts > 1 (" + RETRIED_TALLY + " in the job tables: "
                + tally(summary, RETRIED_TALLY) + " retries scheduled)");
        row(out, "tokens stored", summary.tokens(), "oauth_token rows (" + joined(summary.tokensByStatus()) + ")");
        Optional<StepTotal> flag = StepTotals.named(summary.steps(), FLAG_STEP);
        row(out, "tokens flagged", flag.map(s -> String.valueOf(s.write())).orElse("-"), flag.isPresent()
                ? "write count of step " + FLAG_STEP : "this build's job has no step " + FLAG_STEP);
        row(out, "tokens refreshed", summary.tokensRefreshed(), "oauth_token.issued_at later than the code's exchange");
        row(out, "near expiry", summary.tokensNearExpiry(), "tokens expiring within TOKENWORKER_REFRESH_MARGIN ("
                + where.refreshMargin() + ") and not refreshed");
        row(out, "job executions", summary.loop().executionIds().size(), "tokenMaintenanceJob, launched every "
                + "second as a daemon would");
        row(out, "time taken", seconds(summary.loop().took()), "from the first launch to the last one");
        out.println();
        printSteps(summary, out);
        out.println();
        printWhereNext(where, out);
        out.flush();
    }

    private static void printSteps(DemoSummary summary, PrintWriter out) {
        out.printf("  %-20s %5s %6s %6s %7s  %s%n", "step", "runs", "read", "write", "filter",
                "counters (step execution context)");
        for (StepTotal step : summary.steps()) {
            String counters = step.counters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            out.printf("  %-20s %5d %6d %6d %7d  %s%n", step.name(), step.executions(), step.read(), step.write(),
                    step.filter(), counters);
        }
    }

    private static void printWhereNext(Where where, PrintWriter out) {
        out.println("Where to look next:");
        out.println("  status    " + where.statusCommand());
        out.println("  database  " + where.jdbcUrl() + "  (user postgres, no password)");
        out.println("            up while a worker command runs on the embedded default; data kept in "
                + where.dataDirectory());
        out.println("  SQL       SELECT status, count(*) FROM oauth_pending_code GROUP BY status;");
        out.println("            SELECT id, region, status, attempts, last_error FROM oauth_pending_code "
                + "WHERE status <> 'EXCHANGED';");
        out.println("            SELECT id, region, resource_owner_type, status, issued_at, expires_at "
                + "FROM oauth_token ORDER BY id;");
        out.println("            SELECT step_name, read_count, write_count, exit_message FROM batch_step_execution "
                + "ORDER BY step_execution_id DESC LIMIT 5;");
    }

    private static void row(PrintWriter out, String figure, Object count, String source) {
        out.printf("  %-18s %7s  %s%n", figure, count, source);
    }

    private static long tally(DemoSummary summary, String key) {
        return StepTotals.named(summary.steps(), TokenMaintenanceJobConfiguration.EXCHANGE_STEP)
                .map(s -> s.counters().getOrDefault(key, 0L))
                .orElse(0L);
    }

    private static String joined(Map<String, Integer> counts) {
        return counts.isEmpty() ? "none" : counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
