package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scenario 6: cold start of `run` with nothing to do, next to a bare Spring Boot + JDBC app that runs one query
 * (src/bench/bare-app, built here on the worker's Boot version). Three variants run in turn, the order rotating
 * each round, {@link #ROUNDS} rounds (the median absorbs one cold first run): the worker by plain
 * {@code java -jar}, the
 * worker by the image's command line ({@code DIR/worker run}, DIR laid out by src/main/docker/image-layout.sh),
 * and the bare app by {@code java -jar}. Wall time = process start to exit as the parent sees it; peak RSS =
 * the kernel's VmHWM of the process, sampled every 20 ms. Alongside, what explains a gap to the bare app on a
 * shared machine: CPU time (user + sys, steadier than wall under load), the classes each loads (one extra run
 * each, outside the timed rounds) and how long the worker's job itself took (its own log line).
 */
final class ColdStart {

    static final int ROUNDS = 5;

    private enum Variant { PLAIN, IMAGE, BARE }

    private ColdStart() {
    }

    static List<ScenarioResult> run(BenchContext bench) throws Exception {
        ScenarioResult plain = new ScenarioResult("6a", "cold start of run, plain java -jar");
        ScenarioResult image = new ScenarioResult("6b", "cold start of run, the image's command line");
        Path bareJar = buildBareApp(bench);
        Path imageDir = bench.settings.out().resolve("image");
        long layoutStart = System.nanoTime();
        layOutImage(bench, imageDir);
        long layoutMillis = (System.nanoTime() - layoutStart) / 1_000_000;
        DatabaseTarget db = bench.freshDatabase("s6_cold");
        Map<Variant, List<Double>> wall = new LinkedHashMap<>();
        Map<Variant, List<Double>> rss = new LinkedHashMap<>();
        Map<Variant, List<Double>> cpu = new LinkedHashMap<>();
        List<Double> jobSeconds = new ArrayList<>();
        for (Variant v : Variant.values()) {
            wall.put(v, new ArrayList<>());
            rss.put(v, new ArrayList<>());
            cpu.put(v, new ArrayList<>());
        }
        Map<Variant, Long> classes = new LinkedHashMap<>();
        try (FakeFullscriptServer fullscript = BenchContext.fullscript()) {
            Map<String, String> env = Workers.environment(db, fullscript);
            Variant[] order = Variant.values();
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < order.length; i++) {
                    Variant v = order[(i + round) % order.length];
                    ChildProcess p = start(bench, v, env, imageDir, bareJar, "s6-" + v.name().toLowerCase()
                            + "-" + round);
                    int exit = p.awaitExit(Duration.ofMinutes(2));
                    if (exit != 0) {
                        throw new IllegalStateException(p.name() + " exited " + exit + ":\n" + p.tail(30));
                    }
                    wall.get(v).add(p.wall().toMillis() / 1000.0);
                    rss.get(v).add(p.sampler().peakRssKb() / 1024.0);
                    cpu.get(v).add(p.sampler().totalCpuMillis() / 1000.0);
                    if (v == Variant.PLAIN) {
                        jobMillis(p.tail(20)).ifPresent(ms -> jobSeconds.add(ms / 1000.0));
                    }
                }
            }
            // Outside the timed rounds: how many classes each loads, the first cause of the gap to the bare app.
            for (Variant v : List.of(Variant.PLAIN, Variant.BARE)) {
                classes.put(v, loadedClasses(bench, v, env, bareJar));
            }
        }
        double bareWall = Stats.median(wall.get(Variant.BARE));
        double bareRss = Stats.median(rss.get(Variant.BARE));
        fill(plain, wall.get(Variant.PLAIN), rss.get(Variant.PLAIN), bareWall, bareRss, 1.6);
        fill(image, wall.get(Variant.IMAGE), rss.get(Variant.IMAGE), bareWall, bareRss, 1.3);
        String method = "Median of " + ROUNDS + " alternating rounds, against a database "
                + "already migrated with nothing due. Wall time from process start to exit as the bench sees it; "
                + "peak RSS = VmHWM of the process. Reference: `java -jar bare-app.jar` (Spring Boot "
                + bench.settings.bootVersion() + " + JDBC, one SELECT 1, then exit) in the same rounds.";
        plain.method = method + " Command: `java -jar target/fullscript-token-worker.jar run`.";
        image.method = method + " Command: `bash src/main/docker/image-layout.sh target/fullscript-token-worker.jar "
                + "DIR` (took " + layoutMillis + " ms), then `DIR/worker run`.";
        for (ScenarioResult r : List.of(plain, image)) {
            r.detail("bare app wall times (s)", rounded(wall.get(Variant.BARE)));
            r.detail("bare app peak RSS (MB)", rounded(rss.get(Variant.BARE)));
        }
        plain.detail("wall times (s)", rounded(wall.get(Variant.PLAIN)));
        image.detail("wall times (s)", rounded(wall.get(Variant.IMAGE)));
        double bareCpu = Stats.median(cpu.get(Variant.BARE));
        for (Map.Entry<Variant, ScenarioResult> e : Map.of(Variant.PLAIN, plain, Variant.IMAGE, image).entrySet()) {
            double c = Stats.median(cpu.get(e.getKey()));
            e.getValue().detail("CPU user+sys (s), median", Stats.round(c, 2) + " vs bare app "
                    + Stats.round(bareCpu, 2) + " (" + Stats.round(c / bareCpu, 2) + "x)");
        }
        // What stays when the start itself is cut: more classes to load (no archive for plain java -jar), and the
        // job the command exists for (six steps, their Batch records, the budget and credential-check round trips).
        plain.detail("classes loaded (-Xlog:class+load, one extra run each)", classes.get(Variant.PLAIN)
                + " vs bare app " + classes.get(Variant.BARE));
        if (!jobSeconds.isEmpty()) {
            plain.detail("of which the job execution itself (s, from its log), median",
                    Stats.round(Stats.median(jobSeconds), 2));
        }
        return List.of(plain, image);
    }

    private static final Pattern JOB_TIME =
            Pattern.compile("tokenMaintenanceJob execution \\d+ \\w+ in (\\d+) ms");

    private static Optional<Long> jobMillis(String log) {
        Matcher m = JOB_TIME.matcher(log);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    private static long loadedClasses(BenchContext bench, Variant v, Map<String, String> env, Path bareJar)
            throws Exception {
        Path list = bench.settings.out().resolve("s6-classes-" + v.name().toLowerCase() + ".txt");
        String jar = v == Variant.BARE ? bareJar.toString() : bench.settings.jar().toString();
        List<String> command = ChildProcess.command(ChildProcess.java(), "-Xlog:class+load:file=" + list, "-jar",
                jar);
        if (v != Variant.BARE) {
            command.add("run");
        }
        ChildProcess p = ChildProcess.start("s6-classes-" + v.name().toLowerCase(), bench.settings.logs(),
                command, env);
        if (p.awaitExit(Duration.ofMinutes(2)) != 0) {
            throw new IllegalStateException(p.name() + " failed:\n" + p.tail(30));
        }
        try (Stream<String> lines = Files.lines(list)) {
            return lines.count();
        }
    }

    private static void fill(ScenarioResult r, List<Double> wall, List<Double> rss, double bareWall, double bareRss,
                             double goal) {
        double w = Stats.median(wall);
        double m = Stats.median(rss);
        r.figure(Stats.round(w, 2) + " s, peak RSS " + Stats.round(m, 0) + " MB", w, "s");
        r.reference("bare Boot + JDBC app: " + Stats.round(bareWall, 2) + " s, " + Stats.round(bareRss, 0) + " MB",
                w / bareWall);
        r.goal("wall / bare app <= " + goal, w / bareWall <= goal);
        r.detail("peak RSS / bare app", Stats.round(m / bareRss, 2));
    }

    private static List<String> rounded(List<Double> values) {
        return values.stream().map(v -> Stats.round(v, 2)).toList();
    }

    private static ChildProcess start(BenchContext bench, Variant v, Map<String, String> env, Path imageDir,
                                      Path bareJar, String name) {
        return switch (v) {
            case PLAIN -> ChildProcess.start(name, bench.settings.logs(), ChildProcess.command(ChildProcess.java(),
                    "-jar", bench.settings.jar().toString(), "run"), env, Duration.ofMillis(20));
            case IMAGE -> bench.workers.startImage(name, imageDir, env, "run");
            case BARE -> ChildProcess.start(name, bench.settings.logs(), ChildProcess.command(ChildProcess.java(),
                    "-jar", bareJar.toString()), env, Duration.ofMillis(20));
        };
    }

    private static void layOutImage(BenchContext bench, Path imageDir) throws Exception {
        Path script = bench.settings.basedir().resolve("src/main/docker/image-layout.sh");
        ChildProcess layout = ChildProcess.start("s6-image-layout", bench.settings.logs(), ChildProcess.command(
                "bash", script.toString(), bench.settings.jar().toString(), imageDir.toString()), Map.of());
        int exit = layout.awaitExit(Duration.ofMinutes(5));
        if (exit != 0) {
            throw new IllegalStateException("image-layout.sh exited " + exit + ":\n" + layout.tail(30));
        }
    }

    /** Copies src/bench/bare-app with the worker's Boot version as parent and packages it with the same Maven. */
    private static Path buildBareApp(BenchContext bench) throws Exception {
        Path source = bench.settings.basedir().resolve("src/bench/bare-app");
        Path target = bench.settings.out().resolve("bare-app");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path pom = target.resolve("pom.xml");
        String boot = bench.settings.bootVersion();
        if (!boot.isBlank()) {
            Files.writeString(pom, Files.readString(pom).replaceFirst(
                    "(<artifactId>spring-boot-starter-parent</artifactId>\\s*<version>)[^<]+(</version>)",
                    "$1" + boot + "$2"));
        }
        if (bench.settings.mavenHome() == null) {
            throw new IllegalStateException("no Maven to build the bare app: run through `mvn -Pbench verify`");
        }
        List<String> command = ChildProcess.command(bench.settings.mavenHome().resolve("bin/mvn").toString(),
                "-B", "-q", "-f", pom.toString(), "package");
        if (bench.settings.offline()) {
            command.add("-o");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        ChildProcess mvn = ChildProcess.start("s6-bare-app-build", bench.settings.logs(), command, env);
        int exit = mvn.awaitExit(Duration.ofMinutes(5));
        Path jar = target.resolve("target/bare-app.jar");
        if (exit != 0 || !Files.isRegularFile(jar)) {
            throw new IOException("building the bare app failed (exit " + exit + "):\n" + mvn.tail(30));
        }
        return jar;
    }
}
