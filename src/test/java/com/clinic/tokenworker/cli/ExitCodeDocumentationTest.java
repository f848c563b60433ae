package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exit codes are described once, in {@link ExitCode}: {@code --help} prints them, the README repeats them. */
class ExitCodeDocumentationTest {

    private static final String TABLE_HEADER = "| code | meaning | what to do |";

    @Test
    void readmeWhenItListsTheExitCodesThenItsTableIsTheOneExitCodeGenerates() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int header = lines.indexOf(TABLE_HEADER);
        assertThat(header).as("README table starting with " + TABLE_HEADER).isNotNegative();

        List<String> rows = lines.subList(header + 2, lines.size()).stream()
                .takeWhile(line -> line.startsWith("|")).toList();

        assertThat(rows).containsExactlyElementsOf(Arrays.stream(ExitCode.values()).map(ExitCode::markdownRow)
                .toList());
    }

    @Test
    void helpWhenShownThenListsEveryExitCodeWithItsReadmeMeaning() {
        String help = TokenWorkerCommand.commandLine(Map.of(), Clock.systemUTC()).getUsageMessage()
                .replaceAll("\\s+", " ");

        for (ExitCode code : ExitCode.values()) {
            assertThat(help).contains(" " + code.code() + " " + code.meaning().replace("`", ""));
        }
        assertThat(help).contains("5 the database is unreachable or refused the login");
    }
}
