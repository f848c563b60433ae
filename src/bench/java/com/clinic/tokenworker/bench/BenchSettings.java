package com.clinic.tokenworker.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the bench profile hands the benchmark (failsafe system properties), with defaults for an IDE run. */
record BenchSettings(Path jar, Path basedir, Path out, String bootVersion, Path mavenHome, boolean offline,
                     boolean updateDocs) {

    static BenchSettings fromSystemProperties() {
        Path basedir = Path.of(System.getProperty("bench.basedir", ".")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("bench.jar", basedir.resolve("target/fullscript-token-worker.jar")
                .toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged worker at " + jar + ": run `mvn -Pbench verify`");
        }
        Path out = Path.of(System.getProperty("bench.out", basedir.resolve("target/bench").toString()));
        String maven = System.getProperty("bench.mavenHome", System.getenv().getOrDefault("MAVEN_HOME", ""));
        return new BenchSettings(jar, basedir, out, System.getProperty("bench.bootVersion", ""),
                maven.isBlank() ? null : Path.of(maven), Boolean.getBoolean("bench.offline"),
                Boolean.getBoolean("bench.updateDocs"));
    }

    Path logs() {
        return out.resolve("logs");
    }
}
