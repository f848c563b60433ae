package com.clinic.tokenworker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Loads, on a second thread, the classes a command is about to need, while the main thread parses options,
 * configures logging and checks the settings. Started from a plain {@code java -jar}, the JVM reads every class of
 * Spring, Batch and the driver from the nested jars one at a time on the main thread, with the second core mostly
 * idle; loading them ahead (without initialising them: no static code runs early, only the class files are read
 * and defined) overlaps that with the work before Spring starts. The image's AppCDS archive already serves these
 * classes; there this thread only finds them loaded.
 *
 * <p>The list ({@link #LIST}) is the classes a {@code run} with nothing to do loaded from the jar, in that order,
 * written by {@code src/main/scripts/preload-classes.sh}. A stale list costs start-up time, never correctness: a
 * name that no longer exists is skipped, a class missing from it is loaded when first used, as always.
 */
final class ClassPreloader {

    static final String LIST = "META-INF/tokenworker/preload-classes.txt";
    /**
     * Commands that start a Spring context. The others need few of the listed classes: {@code status} reads the
     * database over one plain connection, help and {@code simulate} start no context.
     */
    private static final Set<String> COMMANDS = Set.of("run", "daemon", "demo");

    private ClassPreloader() {
    }

    /** Starts the preloading thread when {@code args} name a command that starts a context; says whether it did. */
    static boolean startFor(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return false;
        }
        Thread thread = new Thread(() -> load(ClassPreloader.class.getClassLoader(), names()), "class-preload");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    /** Loads each class, without initialising it, and returns how many could not be found. */
    static int load(ClassLoader loader, List<String> names) {
        int missing = 0;
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                missing++;
            }
        }
        return missing;
    }

    /** The listed class names; none when the list is absent or unreadable (start-up is only slower then). */
    static List<String> names() {
        try (InputStream in = ClassPreloader.class.getClassLoader().getResourceAsStream(LIST)) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
