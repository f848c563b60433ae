package com.clinic.tokenworker.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Where a campaign writes: worker logs and the figures, under {@code target/stress/}. */
final class StressFiles {

    private static final List<Path> WORKER_LOGS = new CopyOnWriteArrayList<>();

    static {
        // Each JVM's campaigns start from an empty directory: logs are appended to, and the secret scan reads them.
        try {
            Files.deleteIfExists(root().resolve("results.md"));
            if (Files.isDirectory(logs())) {
                try (var files = Files.list(logs())) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StressFiles() {
    }

    static Path root() {
        // The plain build's short rounds write apart from -Pstress's full ones, which .ci/run runs right after.
        return Path.of(System.getProperty("stress.out", "target/stress-short"));
    }

    static Path logs() {
        return root().resolve("logs");
    }

    /** Every worker log written in this JVM. */
    static List<Path> workerLogs() {
        return WORKER_LOGS;
    }

    /** Appends a campaign's figures to {@code target/stress/results.md} and prints them. */
    static synchronized void report(String campaign, String text) {
        System.out.println("=== " + campaign + " ===\n" + text);
        try {
            Files.createDirectories(root());
            Files.writeString(root().resolve("results.md"), "## " + campaign + "\n\n" + text + "\n\n",
                    java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
