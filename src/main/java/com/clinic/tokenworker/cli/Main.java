package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.time.DatabaseClock;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TimeZone;
import picocli.CommandLine;

/** Process entry point: {@code java -jar fullscript-token-worker.jar <command>}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ClassPreloader.startFor(args);
        // Spring Batch stamps its tables with the JVM's local wall clock; one zone for every worker process makes
        // those columns UTC, whatever the host, so status and the monitoring views read them alike.
        TimeZone.setDefault(TimeZone.getTimeZone(ZoneOffset.UTC));
        System.exit(execute(args));
    }

    /**
     * Runs a command with the process environment and the host's clock anchored to the database's (leases written
     * by one worker are judged by another: they must read one clock), returning its exit code.
     */
    public static int execute(String... args) {
        return execute(System.getenv(), DatabaseClock.ofHost(), args);
    }

    /** Runs a command against the given environment and clock; tests call this instead of {@link #main}. */
    public static int execute(Map<String, String> environment, Clock clock, String... args) {
        return TokenWorkerCommand.forArgs(environment, clock, args).execute(args);
    }

    /** The command tree {@link #execute} runs, for introspection (the README test checks its commands against it). */
    public static CommandLine commandLine(Map<String, String> environment, Clock clock) {
        return TokenWorkerCommand.commandLine(environment, clock);
    }
}
