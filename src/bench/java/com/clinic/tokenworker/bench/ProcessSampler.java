package com.clinic.tokenworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code /proc/PID} of a child every few milliseconds: CPU time (user + system) and resident memory,
 * including the kernel's own high-water mark (VmHWM), which is what "peak RSS" means here.
 */
final class ProcessSampler {

    /** USER_HZ: the unit of utime/stime in /proc/PID/stat on Linux. */
    private static final double MILLIS_PER_TICK = 10.0;

    record Sample(long epochMillis, double cpuMillis, long rssKb, long peakRssKb) {
    }

    private final long pid;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ProcessSampler(long pid, Duration every) {
        this.pid = pid;
        this.thread = new Thread(() -> loop(every), "sampler-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    static ProcessSampler start(long pid, Duration every) {
        return new ProcessSampler(pid, every);
    }

    private void loop(Duration every) {
        while (running) {
            Sample sample = read();
            if (sample == null) {
                return;
            }
            synchronized (samples) {
                samples.add(sample);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Sample read() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may contain spaces) start after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            if (stat.contains(") Z ")) {
                return null;
            }
            return new Sample(System.currentTimeMillis(), cpu, rss, hwm);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    void stop() {
        running = false;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    long peakRssKb() {
        return samples().stream().mapToLong(Sample::peakRssKb).max().orElse(0);
    }

    double totalCpuMillis() {
        return samples().stream().mapToDouble(Sample::cpuMillis).max().orElse(0);
    }

    /** CPU spent between two wall-clock instants, from the samples around them. */
    double cpuMillisBetween(long fromEpochMillis, long toEpochMillis) {
        return cpuAt(toEpochMillis) - cpuAt(fromEpochMillis);
    }

    private double cpuAt(long epochMillis) {
        double cpu = 0;
        for (Sample s : samples()) {
            if (s.epochMillis() > epochMillis) {
                return cpu == 0 ? s.cpuMillis() : cpu;
            }
            cpu = s.cpuMillis();
        }
        return cpu;
    }
}
