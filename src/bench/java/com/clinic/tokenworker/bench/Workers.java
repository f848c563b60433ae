package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the packaged worker the way an operator does: {@code java -jar target/fullscript-token-worker.jar
 * COMMAND} with its settings in environment variables (README, Configuration), against the bench's database and
 * fake Fullscript (the US region; Canada stays disabled).
 */
final class Workers {

    static final String KEY = EncryptionKey.generate().toBase64();

    private final BenchSettings settings;

    Workers(BenchSettings settings) {
        this.settings = settings;
    }

    /** The environment every worker gets; a scenario adds its TOKENWORKER_* settings. */
    static Map<String, String> environment(DatabaseTarget database, FakeFullscriptServer fullscript) {
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_DATASOURCE_URL", database.url());
        if (database.username() != null) {
            env.put("SPRING_DATASOURCE_USERNAME", database.username());
        }
        if (database.password() != null) {
            env.put("SPRING_DATASOURCE_PASSWORD", database.password());
        }
        env.put("FULLSCRIPT_US_CLIENT_ID", fullscript.options().clientId());
        env.put("FULLSCRIPT_US_CLIENT_SECRET", fullscript.options().clientSecret());
        env.put("FULLSCRIPT_US_BASE_URL", fullscript.baseUrl().toString());
        env.put("TOKEN_ENCRYPTION_KEY", KEY);
        return env;
    }

    ChildProcess start(String name, Map<String, String> env, String... args) {
        List<String> command = ChildProcess.command(ChildProcess.java(), "-jar", settings.jar().toString());
        command.addAll(List.of(args));
        return ChildProcess.start(name, settings.logs(), command, env);
    }

    /** The benchmark's plain implementation ({@link PlainWorker}) in its own JVM, with the same settings. */
    ChildProcess startPlain(String name, Map<String, String> env) {
        return ChildProcess.start(name, settings.logs(), ChildProcess.command(ChildProcess.java(), "-cp",
                System.getProperty("java.class.path"), PlainWorker.class.getName()), env);
    }

    /** The image's command line, laid out by src/main/docker/image-layout.sh: {@code DIR/worker ARGS}. */
    ChildProcess startImage(String name, Path imageDirectory, Map<String, String> env, String... args) {
        List<String> command = ChildProcess.command(imageDirectory.resolve("worker").toString());
        command.addAll(List.of(args));
        return ChildProcess.start(name, settings.logs(), command, env, java.time.Duration.ofMillis(20));
    }

    static Map<String, String> with(Map<String, String> env, String... keyValues) {
        Map<String, String> copy = new HashMap<>(env);
        for (int i = 0; i < keyValues.length; i += 2) {
            copy.put(keyValues[i], keyValues[i + 1]);
        }
        return copy;
    }
}
