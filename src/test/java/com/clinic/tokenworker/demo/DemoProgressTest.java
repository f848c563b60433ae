package com.clinic.tokenworker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class DemoProgressTest {

    private static final CodeCounts HALFWAY = new CodeCounts(36, 2, 0, 25, 3, 3, 2, 2);
    private static final CodeCounts DONE = new CodeCounts(36, 0, 0, 29, 3, 4, 0, 5);

    @Test
    void barWhenCodesSettleThenShowsHowManyOfTheTotalAndHowTheyEnded() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        try (DemoProgress bar = new ProgressBarDisplay(36, new PrintStream(terminal, true, StandardCharsets.UTF_8))) {
            bar.update(HALFWAY, 1);
            bar.update(DONE, 7);
        }

        assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("36/36", "exchanged 29, expired 3, failed 4");
    }

    @Test
    void logLinesWhenCountsStandStillThenOneLineEveryFewSecondsOnly(CapturedOutput output) {
        SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
        DemoProgress lines = new LogLineDisplay(clock);

        lines.update(HALFWAY, 1);
        clock.advance(Duration.ofSeconds(1));
        lines.update(HALFWAY, 2);
        clock.advance(LogLineDisplay.QUIET_AT_MOST);
        lines.update(HALFWAY, 3);
        lines.update(DONE, 4);

        assertThat(output.getErr().lines().filter(l -> l.contains("demo: "))).hasSize(3);
        assertThat(output.getErr()).contains("demo: 31 of 36 codes final after 1 execution(s) (exchanged 25, "
                + "expired 3, failed 3, retrying 2); 2 still waiting")
                .contains("demo: 36 of 36 codes final after 4 execution(s)");
    }
}
