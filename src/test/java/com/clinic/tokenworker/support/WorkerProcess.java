package com.clinic.tokenworker.support;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The worker as a real child JVM ({@code java -cp <test classpath> ...cli.Main <args>}), for what only a separate
 * process shows: SIGTERM and SIGKILL, and a JVM with its own Quartz node. Its output goes to a file under
 * {@code target/worker-processes/} (named in failure messages).
 */
public final class WorkerProcess implements AutoCloseable {

    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TMPDIR");

    private final Process process;
    private final Path log;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code Main} with exactly {@code environment} (plus PATH/HOME/LANG/TMPDIR) and the database. */
    public static WorkerProcess start(String name, DatabaseTarget database, Map<String, String> environment,
                                      String... args) {
        return start(name, Optional.of(database), environment, args);
    }

    /**
     * Starts {@code Main} without SPRING_DATASOURCE_URL, so it runs its own embedded development database (give it
     * TOKENWORKER_EMBEDDED_DATA_DIR and TOKENWORKER_EMBEDDED_PORT in {@code environment}).
     */
    public static WorkerProcess startOnEmbeddedDatabase(String name, Map<String, String> environment,
                                                        String... args) {
        return start(name, Optional.empty(), environment, args);
    }

    private static WorkerProcess start(String name, Optional<DatabaseTarget> target, Map<String, String> environment,
                                       String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        Map<String, String> inherited = new HashMap<>(env);
        env.clear();
        INHERITED.forEach(key -> {
            if (inherited.containsKey(key)) {
                env.put(key, inherited.get(key));
            }
        });
        env.putAll(environment);
        target.ifPresent(database -> {
            env.put("SPRING_DATASOURCE_URL", database.url());
            if (database.username() != null) {
                env.put("SPRING_DATASOURCE_USERNAME", database.username());
            }
            if (database.password() != null) {
                env.put("SPRING_DATASOURCE_PASSWORD", database.password());
            }
        });
        try {
            Path directory = Files.createDirectories(Path.of("target", "worker-processes"));
            Path log = directory.resolve(name + "-" + System.nanoTime() + ".log");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            return new WorkerProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker process", e);
        }
    }

    /** SIGTERM, what the kubelet sends first. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
    }

    /** @return the exit code, or fails when the process is still running after {@code timeout} */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("worker process still running after " + timeout + "; log: " + log);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path logFile() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
