package com.clinic.tokenworker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process the bench starts (a worker, the plain implementation, the bare app) with exactly the environment
 * given, its output in {@code target/bench/logs/NAME.log}, sampled for CPU and memory while it runs.
 */
final class ChildProcess implements AutoCloseable {

    private static final List<String> INHERITED = List.of("HOME", "LANG", "TMPDIR");

    private final String name;
    private final Process process;
    private final Path log;
    private final long startNanos;
    private final long startEpochMillis;
    private final ProcessSampler sampler;
    private volatile long exitNanos;
    private final java.util.concurrent.CompletableFuture<Void> exitRecorded;

    private ChildProcess(String name, Process process, Path log, long startNanos, long startEpochMillis,
                         Duration sampleEvery, String database) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
        this.sampler = ProcessSampler.start(process.pid(), sampleEvery, database);
        this.exitRecorded = process.onExit().thenRun(() -> exitNanos = System.nanoTime());
    }

    static ChildProcess start(String name, Path logDirectory, List<String> command, Map<String, String> env) {
        return start(name, logDirectory, command, env, Duration.ofMillis(50));
    }

    static ChildProcess start(String name, Path logDirectory, List<String> command, Map<String, String> env,
                              Duration sampleEvery) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        Map<String, String> inherited = Map.copyOf(environment);
        environment.clear();
        INHERITED.stream().filter(inherited::containsKey).forEach(k -> environment.put(k, inherited.get(k)));
        // The JDK running the bench comes first, so `java` in a launcher script is the same one.
        environment.put("PATH", javaBin() + ":" + inherited.getOrDefault("PATH", "/usr/bin:/bin"));
        environment.putAll(env);
        try {
            Files.createDirectories(logDirectory);
            Path log = logDirectory.resolve(name + ".log");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            long nanos = System.nanoTime();
            long millis = System.currentTimeMillis();
            return new ChildProcess(name, builder.start(), log, nanos, millis, sampleEvery,
                    databaseOf(env.get("SPRING_DATASOURCE_URL")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    static String java() {
        return javaBin() + "/java";
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin").toString();
    }

    /** The database a jdbc:postgresql://host:port/NAME?... URL names, if any. */
    private static String databaseOf(String url) {
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            return null;
        }
        String rest = url.substring("jdbc:postgresql://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String name = rest.substring(slash + 1);
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    String name() {
        return name;
    }

    long startEpochMillis() {
        return startEpochMillis;
    }

    ProcessSampler sampler() {
        return sampler;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the exit code; a process still running after {@code timeout} is killed and reported */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " still running after " + timeout + "; its log: " + log);
        }
        exitRecorded.join();
        sampler.stop();
        return process.exitValue();
    }

    /** SIGTERM, as the kubelet sends: the worker lets calls in flight finish, then exits. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** Process start to exit, as the parent saw it. */
    Duration wall() {
        if (exitNanos == 0) {
            throw new IllegalStateException(name + " has not exited");
        }
        return Duration.ofNanos(exitNanos - startNanos);
    }

    long exitEpochMillis() {
        return startEpochMillis + wall().toMillis();
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

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        sampler.stop();
    }
}
