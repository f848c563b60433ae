package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The exit codes are described once, in {@link ExitCode}: {@code --help} prints them, the README repeats them. */
class ExitCodeDocumentationTest {

    private static final String TABLE_HEADER = "| code | meaning | what to do |";

    @Test
    void documentationWhenItListsTheExitCodesThenEachTableIsTheOneExitCodeGenerates() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        if (Files.isDirectory(Path.of("docs"))) {
            try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
                docs.filter(page -> page.toString().endsWith(".md")).forEach(pages::add);
            }
        }
        List<String> generated = Arrays.stream(ExitCode.values()).map(ExitCode::markdownRow).toList();
        int tables = 0;

        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            for (int header = lines.indexOf(TABLE_HEADER); header >= 0;
                 header = indexOf(lines, TABLE_HEADER, header + 1)) {
                List<String> rows = lines.subList(header + 2, lines.size()).stream()
                        .takeWhile(line -> line.startsWith("|")).toList();
                assertThat(rows).as("exit codes in %s", page).containsExactlyElementsOf(generated);
                tables++;
            }
        }
        assertThat(tables).as("an exit-code table starting with " + TABLE_HEADER + " in README.md or docs/")
                .isPositive();
    }

    private static int indexOf(List<String> lines, String line, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).equals(line)) {
                return i;
            }
        }
        return -1;
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
