package com.clinic.tokenworker.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class WorkerLogConfiguratorTest {

    @Test
    void configureWhenNoFileIsGivenThenTheWorkerLogsAtItsLevelOnStderrAndLibrariesAtWarn() {
        LoggerContext context = new LoggerContext();
        WorkerLogConfigurator configurator = new WorkerLogConfigurator();
        configurator.setContext(context);

        configurator.configure(context);

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("CONSOLE")).isInstanceOfSatisfying(ConsoleAppender.class,
                console -> assertThat(console.getTarget()).isEqualTo("System.err"));
        assertThat(context.getLogger("org.springframework.batch.core.step.AbstractStep").getLevel())
                .isEqualTo(Level.OFF);
        assertThat(context.getLogger("com.clinic.tokenworker").getEffectiveLevel()).isNotNull();
    }

    @Test
    void workerLevelWhenSetThenUsedAndWhenUnsetThenInfo() {
        assertThat(WorkerLogConfigurator.workerLevel("debug")).isEqualTo(Level.DEBUG);
        assertThat(WorkerLogConfigurator.workerLevel(" TRACE ")).isEqualTo(Level.TRACE);
        assertThat(WorkerLogConfigurator.workerLevel(null)).isEqualTo(Level.INFO);
        assertThat(WorkerLogConfigurator.workerLevel("")).isEqualTo(Level.INFO);
    }
}
