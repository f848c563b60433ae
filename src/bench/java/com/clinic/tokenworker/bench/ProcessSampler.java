package com.clinic.tokenworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads {@code /proc/PID} of a child every few milliseconds: CPU time (user + system) and resident memory,
 * including the kernel's own high-water mark (VmHWM), which is what "peak RSS" means here. Every
 * {@link #THREADS_EVERY} samples it also reads the CPU time of each of the child's threads, summed by what the
 * thread does ({@link #group}), and the whole machine's busy CPU time ({@code /proc/stat}): where a process's CPU
 * goes (its own work, the JIT compilers, the HTTP client, the GC), and how much of the machine the rest took.
 */
final class ProcessSampler {

    /** USER_HZ: the unit of utime/stime in /proc/PID/stat on Linux. */
    private static final double MILLIS_PER_TICK = 10.0;

    record Sample(long epochMillis, double cpuMillis, long rssKb, long peakRssKb) {
    }

    /** One thread's CPU milliseconds so far, and what it does. */
    record ThreadTime(String group, double cpuMillis) {
    }

    /** CPU so far of each live thread by id, and the machine's busy CPU milliseconds (all processes). */
    record ThreadSample(long epochMillis, Map<String, ThreadTime> threads, double machineBusyMillis) {
    }

    private static final int THREADS_EVERY = 4;
    /** Groups of CPU outside the sampled process, read with its threads. */
    static final String MACHINE_POSTGRES = "machine: PostgreSQL";
    static final String MACHINE_FAKE = "machine: fake Fullscript";

    private final List<ThreadSample> threadSamples = new ArrayList<>();

    private final long pid;
    private final String database;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ProcessSampler(long pid, Duration every, String database) {
        this.pid = pid;
        this.database = database;
        this.thread = new Thread(() -> loop(every), "sampler-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    static ProcessSampler start(long pid, Duration every) {
        return new ProcessSampler(pid, every, null);
    }

    /** Also reads the CPU of PostgreSQL's backends serving {@code database} (their process title names it). */
    static ProcessSampler start(long pid, Duration every, String database) {
        return new ProcessSampler(pid, every, database);
    }

    private void loop(Duration every) {
        for (int n = 0; running; n++) {
            Sample sample = read();
            if (sample == null) {
                return;
            }
            ThreadSample threads = n % THREADS_EVERY == 0 ? readThreads() : null;
            synchronized (samples) {
                samples.add(sample);
                if (threads != null) {
                    threadSamples.add(threads);
                }
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

    private ThreadSample readThreads() {
        Map<String, ThreadTime> threads = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
                    threads.put(task.getFileName().toString(), new ThreadTime(group(name), cpu));
                } catch (IOException | RuntimeException e) {
                    // The thread ended between the listing and the read: its time is lost to the split.
                }
            }
            // The other parts of the system under test: PostgreSQL's processes, and the fake Fullscript, which
            // runs in the bench's own JVM (its handler threads and the JDK server's dispatcher).
            if (database != null) {
                try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                    for (Path process : (Iterable<Path>) processes::iterator) {
                        String name = process.getFileName().toString();
                        if (name.chars().allMatch(Character::isDigit) && servesDatabase(process)) {
                            readTask(process, "pg:" + name, threads, comm -> MACHINE_POSTGRES);
                        }
                    }
                }
            }
            try (Stream<Path> own = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) own::iterator) {
                    readTask(task, "fake:" + task.getFileName(), threads, comm -> comm.startsWith("fake-fullscri")
                            || comm.startsWith("HTTP-Dispatch") ? MACHINE_FAKE : null);
                }
            }
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(cpu.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return new ThreadSample(System.currentTimeMillis(), threads, busy * MILLIS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A PostgreSQL backend's title: {@code postgres: USER DATABASE HOST(PORT) STATE}. */
    private boolean servesDatabase(Path process) {
        try {
            String title = new String(Files.readAllBytes(process.resolve("cmdline"))).replace('\0', ' ');
            return title.startsWith("postgres: ") && title.contains(" " + database + " ");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads one process or thread's CPU into {@code threads} under {@code key}, if {@code group} names it. */
    private static void readTask(Path task, String key, Map<String, ThreadTime> threads,
                                 java.util.function.Function<String, String> group) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String g = group.apply(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
            if (g != null) {
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                threads.put(key, new ThreadTime(g, (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
                        * MILLIS_PER_TICK));
            }
        } catch (IOException | RuntimeException e) {
            // Gone between the listing and the read.
        }
    }

    /** What a JVM thread does, from its name as the kernel keeps it (15 characters). */
    static String group(String thread) {
        if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler") || thread.startsWith("Sweeper")) {
            return "JIT";
        }
        if (thread.startsWith("GC ") || thread.startsWith("G1 ") || thread.equals("VM Thread")) {
            return "GC+VM";
        }
        if (thread.startsWith("HttpClient") || thread.startsWith("ForkJoinPool") || thread.startsWith("Thread-")) {
            return "HTTP client";
        }
        if (thread.startsWith("fullscript-cal") || thread.startsWith("pool-")) {
            return "call threads";
        }
        if (thread.equals("java") || thread.equals("main")) {
            return "main";
        }
        return "other";
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

    /**
     * CPU milliseconds between two wall-clock instants by thread group, from the thread samples around them, plus
     * {@code "machine, all processes"}: the busy CPU time of the whole machine over the same span.
     */
    Map<String, Double> cpuMillisByGroupBetween(long fromEpochMillis, long toEpochMillis) {
        List<ThreadSample> all;
        synchronized (samples) {
            all = List.copyOf(threadSamples);
        }
        if (all.size() < 2) {
            return Map.of();
        }
        // The samples just outside the span: it is covered whole, and a little more on either side.
        ThreadSample from = all.get(0);
        ThreadSample to = all.get(all.size() - 1);
        for (ThreadSample s : all) {
            if (s.epochMillis() <= fromEpochMillis) {
                from = s;
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).epochMillis() >= toEpochMillis) {
                to = all.get(i);
            }
        }
        Map<String, Double> split = new LinkedHashMap<>();
        if (to.epochMillis() <= from.epochMillis()) {
            return split;
        }
        // Each thread's last reading up to the end of the span, less its reading at the start (0 if it started
        // since): a thread that ended within the span (a pool shut down at the end) still counts what it was seen
        // to use.
        Map<String, ThreadTime> last = new TreeMap<>();
        for (ThreadSample s : all) {
            if (s.epochMillis() > from.epochMillis() && s.epochMillis() <= to.epochMillis()) {
                last.putAll(s.threads());
            }
        }
        Map<String, ThreadTime> first = from.threads();
        last.forEach((tid, time) -> split.merge(time.group(), time.cpuMillis()
                - (first.containsKey(tid) ? first.get(tid).cpuMillis() : 0.0), Double::sum));
        split.put("machine, all processes", to.machineBusyMillis() - from.machineBusyMillis());
        split.put("span ms", (double) (to.epochMillis() - from.epochMillis()));
        return split;
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
