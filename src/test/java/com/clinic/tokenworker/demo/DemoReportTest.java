package com.clinic.tokenworker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary shows whatever steps the job has, by name: the refresh steps appear once the job runs them. */
class DemoReportTest {

    private static final DemoReport.Where WHERE = new DemoReport.Where("jdbc:postgresql://localhost:54329/postgres",
            Path.of("/tmp/pgdata"), "java -jar target/fullscript-token-worker.jar status", Duration.ofMinutes(20));
    private static final DemoLoop.Result LOOP = new DemoLoop.Result(DemoLoop.Ending.SETTLED, List.of(1L, 2L, 3L),
            Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T10:00:07.25Z"));
    private static final CodeCounts CODES = new CodeCounts(36, 0, 0, 29, 3, 4, 0, 5);

    @Test
    void reportWhenTheJobHasAFlagStepThenTokensFlaggedIsItsWriteCount() {
        List<StepTotal> steps = List.of(
                new StepTotal("exchangeCodes", 3, 38, 29, 9, Map.of("exchange.retried", 5L)),
                new StepTotal("flagExpiringTokens", 3, 4, 4, 0, Map.of()),
                new StepTotal("refreshTokens", 3, 4, 4, 0, Map.of("refresh.refreshed", 4L)));

        String printed = print(new DemoSummary(CODES, Map.of("us", 27, "ca", 9), Map.of("ACTIVE", 29), 4, 0, steps,
                LOOP));

        assertThat(printed).containsPattern("(?m)^  tokens flagged\\s+4  write count of step flagExpiringTokens$")
                .containsPattern("(?m)^  tokens refreshed\\s+4  ")
                .containsPattern("(?m)^  retried\\s+5  attempts > 1 \\(exchange.retried in the job tables: 5 ")
                .containsPattern("(?m)^  refreshTokens\\s+3\\s+4\\s+4\\s+0  refresh.refreshed=4$")
                .containsPattern("(?m)^  time taken\\s+7.3 s  ")
                .containsPattern("(?m)^  job executions\\s+3  ");
    }

    @Test
    void reportWhenTheJobHasNoFlagStepThenSaysSoInsteadOfZero() {
        String printed = print(new DemoSummary(CODES, Map.of("us", 36), Map.of("ACTIVE", 29), 0, 4,
                List.of(new StepTotal("exchangeCodes", 3, 38, 29, 9, Map.of())), LOOP));

        assertThat(printed)
                .containsPattern("(?m)^  tokens flagged\\s+-  this build's job has no step flagExpiringTokens$")
                .containsPattern("(?m)^  near expiry\\s+4  ");
    }

    private static String print(DemoSummary summary) {
        StringWriter out = new StringWriter();
        DemoReport.print(summary, WHERE, new PrintWriter(out));
        return out.toString();
    }
}
