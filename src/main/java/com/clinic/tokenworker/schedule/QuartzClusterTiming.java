package com.clinic.tokenworker.schedule;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.time.Duration;
import java.util.Properties;
import org.springframework.boot.quartz.autoconfigure.QuartzProperties;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Quartz timings that follow TOKENWORKER_INTERVAL instead of Quartz's defaults (added to the static
 * {@code spring.quartz.properties} of application.properties):
 * <ul>
 *   <li>{@code misfireThreshold} = the interval. A fire late by less than that (the job was blocked by a run on
 *       another node) still fires, once; later is a misfire, handled by {@link MaintenanceSchedule}'s policy (one
 *       fire now). Since the threshold never exceeds the interval, at most one late slot fires: no burst of
 *       back-to-back catch-up runs after a long one.</li>
 *   <li>{@code idleWaitTime} = the interval, at most 5 s. A node that found nothing to fire (the trigger was
 *       blocked by another node's run) looks again this soon, so when that node stops (SIGTERM, end of its
 *       window) the schedule moves to another node within seconds; Quartz's default is 30 s.</li>
 * </ul>
 */
@Component
public class QuartzClusterTiming implements SchedulerFactoryBeanCustomizer {

    static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(5);

    private final QuartzProperties quartz;
    private final TokenWorkerProperties properties;

    public QuartzClusterTiming(QuartzProperties quartz, TokenWorkerProperties properties) {
        this.quartz = quartz;
        this.properties = properties;
    }

    @Override
    public void customize(SchedulerFactoryBean schedulerFactoryBean) {
        Properties merged = new Properties();
        merged.putAll(quartz.getProperties());
        Duration interval = properties.interval();
        merged.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(interval.toMillis()));
        Duration idleWait = interval.compareTo(MAX_IDLE_WAIT) < 0 ? interval : MAX_IDLE_WAIT;
        merged.setProperty("org.quartz.scheduler.idleWaitTime", String.valueOf(idleWait.toMillis()));
        schedulerFactoryBean.setQuartzProperties(merged);
    }
}
