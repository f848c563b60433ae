package com.clinic.tokenworker.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the run was measured on, printed with the results: absolute figures mean little without it. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> describe(String postgresVersion, Path basedir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", commit(basedir));
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("postgres", postgresVersion + " (embedded, zonky, on the same machine)");
        m.put("loadAverageAtStart", loadAverage());
        return m;
    }

    /** The commit measured, with "+changes" when the work tree differs from it. */
    static String commit(Path basedir) {
        try {
            Process head = new ProcessBuilder("git", "-C", basedir.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String commit = new String(head.getInputStream().readAllBytes()).trim();
            Process status = new ProcessBuilder("git", "-C", basedir.toString(), "status", "--porcelain",
                    "--untracked-files=no").redirectErrorStream(true).start();
            boolean changed = !new String(status.getInputStream().readAllBytes()).isBlank();
            return head.waitFor() == 0 ? commit + (changed ? "+changes" : "") : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
