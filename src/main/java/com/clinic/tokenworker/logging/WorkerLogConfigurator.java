package com.clinic.tokenworker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The worker's logging, set up in code (logback finds it through META-INF/services) rather than from an XML
 * file: reading XML costs every command some 350 classes (logback's configuration model and the JDK's XML
 * parser). One line per event on stderr, the logger's simple name: stdout is each command's result (the JSON of
 * status is piped into other tools; the summary of demo; the instructions of simulate). Spring's logging.*
 * properties do not apply: Spring's logging system is off (WorkerContext).
 *
 * <p>An operator's own file still wins: with {@code -Dlogback.configurationFile} set, logback reads that file as
 * usual.
 */
public class WorkerLogConfigurator extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
    static final String LEVEL_SETTING = "TOKENWORKER_LOG_LEVEL";

    /** Libraries stay at WARN (the root); these say things the commands say better themselves. */
    static final Map<String, Level> LIBRARY_LEVELS = Map.of(
            // Boot logs "Application run failed" with a full trace for any startup failure; the commands log the
            // classified cause in one line instead (with the trace only when the failure is unexpected).
            "org.springframework.boot.SpringApplication", Level.OFF,
            // The same startup failure again, as one WARN line of over a thousand characters ("Exception
            // encountered during context initialization ... UnsatisfiedDependencyException ...") before the
            // command's own.
            "org.springframework.context.annotation.AnnotationConfigApplicationContext", Level.ERROR,
            // A failed step or job, with its whole stack trace (some fifty lines for a rejected client secret):
            // the worker logs each failure of an execution in one line instead (cli.FailedExecutionLog), the
            // trace at DEBUG.
            "org.springframework.batch.core.step.AbstractStep", Level.OFF,
            "org.springframework.batch.core.job.AbstractJob", Level.OFF,
            "org.flywaydb.core.internal.command", Level.INFO);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("com.clinic.tokenworker").setLevel(workerLevel(
                System.getProperty(LEVEL_SETTING, System.getenv(LEVEL_SETTING))));
        LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** TokenWorkerProperties rejects anything but ERROR, WARN, INFO, DEBUG and TRACE, naming the setting. */
    static Level workerLevel(String setting) {
        return setting == null || setting.isBlank() ? Level.INFO : Level.toLevel(setting.trim(), Level.INFO);
    }
}
