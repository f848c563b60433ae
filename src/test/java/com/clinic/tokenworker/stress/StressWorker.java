package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker process of a campaign. Under {@code -Pstress} it is the packaged jar, started as an operator starts
 * it ({@code java -jar target/fullscript-token-worker.jar COMMAND}, property {@code stress.jar}); in the plain
 * {@code mvn verify} (no jar yet) it is {@code Main} on the test classpath. Its output goes to
 * {@code target/stress/logs/NAME.log}, which the secret scan reads afterwards.
 */
final class StressWorker implements AutoCloseable {

    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TMPDIR");

    private final String name;
    private final Process process;
    private final Path log;
    private final Instant started;
    private volatile Instant killedAt;

    private StressWorker(String name, Process process, Path log, Instant started) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.started = started;
    }

    static StressWorker start(String name, DatabaseTarget database, Map<String, String> environment,
                              String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: several of these share two cores with the database and the test.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String jar = System.getProperty("stress.jar");
        if (jar != null && !jar.isBlank()) {
            command.addAll(List.of("-jar", jar));
        } else {
            // The main classes and the dependencies only, as in the jar: target/test-classes holds Spring
            // configurations (support.UnlimitedBudget) that the worker's component scan would pick up.
            String classpath = java.util.Arrays.stream(System.getProperty("java.class.path")
                            .split(java.io.File.pathSeparator))
                    .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                    .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
            command.addAll(List.of("-cp", classpath, Main.class.getName()));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        Map<String, String> inherited = new HashMap<>(env);
        env.clear();
        INHERITED.stream().filter(inherited::containsKey).forEach(key -> env.put(key, inherited.get(key)));
        env.putAll(environment);
        env.put("SPRING_DATASOURCE_URL", database.url());
        if (database.username() != null) {
            env.put("SPRING_DATASOURCE_USERNAME", database.username());
        }
        if (database.password() != null) {
            env.put("SPRING_DATASOURCE_PASSWORD", database.password());
        }
        try {
            Path directory = Files.createDirectories(StressFiles.logs());
            Path log = directory.resolve(name + ".log");
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            StressFiles.workerLogs().add(log);
            return new StressWorker(name, builder.start(), log, Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Instant started() {
        return started;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone: no shutdown hook, no last write. */
    Instant kill() throws InterruptedException {
        killedAt = Instant.now();
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL");
        }
        return killedAt;
    }

    Instant killedAt() {
        return killedAt;
    }

    /** SIGTERM, as the kubelet sends; returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /**
     * SIGTERM once the worker is past its start (or gone): a JVM signalled before the worker has installed its
     * handler exits 143, the JVM's own answer, which says nothing about the worker. On a loaded machine a start
     * takes up to a minute.
     */
    int terminateWhenStarted(Duration timeout) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(120);
        while (process.isAlive() && !isWorking() && Instant.now().isBefore(until)) {
            Thread.sleep(200);
        }
        return process.isAlive() ? terminate(timeout) : process.exitValue();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " still running after " + timeout + "; log: " + log);
        }
        return process.exitValue();
    }

    /** The exit code, or -1 while it runs. */
    int exitCodeIfExited() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Resident set high-water mark (VmHWM) in kB, read while the process lives; -1 where /proc is absent. */
    long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Past its start: a daemon has joined the Quartz cluster, a run has reached its first step. On a loaded machine
     * a JVM start takes from seconds to most of a minute, so the time since the start says little.
     */
    boolean isWorking() {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            return text.contains("ScheduledWorker - Quartz node") || text.contains("verifyCredentials:");
        } catch (IOException e) {
            return false;
        }
    }

    Path log() {
        return log;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "<no log: " + e.getMessage() + ">";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
