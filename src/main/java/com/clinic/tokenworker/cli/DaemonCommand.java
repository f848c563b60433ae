package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Joins the clustered Quartz scheduler and fires tokenMaintenanceJob every TOKENWORKER_INTERVAL "
                + "on one node of the cluster at a time, until SIGTERM.",
                "On SIGTERM: takes no new trigger, claims nothing more, lets the calls in flight end (within "
                        + "TOKENWORKER_REQUEST_TIMEOUT) and be recorded, marks the execution STOPPED and exits 0."})
public class DaemonCommand implements Callable<Integer> {

    @ParentCommand
    TokenWorkerCommand parent;

    @Mixin
    DatabaseOptions database;

    @Mixin
    WorkerOptions worker;

    @Override
    public Integer call() {
        TokenWorkerProperties properties;
        try {
            properties = SettingOptions.forTokenProcessing(parent.environment(), database, worker);
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            return ExitCode.INVALID_CONFIGURATION.code();
        }
        RunCommand.announceRegions(properties);
        return ScheduledMode.run(properties, parent.clock(), Optional.empty());
    }
}
