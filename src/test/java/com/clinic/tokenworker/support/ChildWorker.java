package com.clinic.tokenworker.support;

import com.clinic.tokenworker.DatabaseTarget;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A worker in its own JVM, started exactly as an operator would ({@code Main <command>}), so tests can SIGTERM
 * or SIGKILL a real process. Its output goes to a file the test can read when it fails.
 */
public final class ChildWorker {

    private final Process process;
    private final Path log;

    private ChildWorker(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ChildWorker start(DatabaseTarget database, Map<String, String> environment, String... args) {
        try {
            Path log = Files.createTempFile("child-worker", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("com.clinic.tokenworker.cli.Main");
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            builder.environment().putAll(environment);
            builder.environment().put("SPRING_DATASOURCE_URL", database.url());
            if (database.username() != null) {
                builder.environment().put("SPRING_DATASOURCE_USERNAME", database.username());
            }
            return new ChildWorker(builder.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a child worker", e);
        }
    }

    public Process process() {
        return process;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "<no output: " + e.getMessage() + ">";
        }
    }

    public File logFile() {
        return log.toFile();
    }
}
