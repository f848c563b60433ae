package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "fullscript-token-worker",
        mixinStandardHelpOptions = true,
        version = "fullscript-token-worker 0.1.0",
        description = "Exchanges Fullscript OAuth codes from oauth_pending_code and keeps the tokens in oauth_token.",
        exitCodeListHeading = "%nExit codes:%n")
public class TokenWorkerCommand implements Runnable {

    /** All commands, in the order help lists them (added in code, not in the annotation, for {@link #forArgs}). */
    private static final List<Class<?>> COMMANDS = List.of(RunCommand.class, DaemonCommand.class,
            StatusCommand.class, DemoCommand.class, SimulateCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;
    private final Clock clock;

    TokenWorkerCommand(Map<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    /** The process environment (or a test's); options of the subcommands are laid over it. */
    Map<String, String> environment() {
        return environment;
    }

    /** The one clock of the process; tests hand in a settable one. */
    Clock clock() {
        return clock;
    }

    /** The whole command tree: every command with all its options (help, the documentation tests). */
    static CommandLine commandLine(Map<String, String> environment, Clock clock) {
        return commandLine(environment, clock, COMMANDS);
    }

    /**
     * The tree {@code args} need: only the command they name when they start with one, the whole tree otherwise
     * (help, which may name any command, and a typo that needs suggestions). Picocli builds the model of every
     * command it is given, by reflection; the other commands' options are start-up time a CronJob pod's
     * {@code run} spends for nothing.
     */
    static CommandLine forArgs(Map<String, String> environment, Clock clock, String... args) {
        if (args.length > 0) {
            for (Class<?> command : COMMANDS) {
                if (command != CommandLine.HelpCommand.class
                        && command.getAnnotation(Command.class).name().equals(args[0])) {
                    return commandLine(environment, clock, List.of(command));
                }
            }
        }
        return commandLine(environment, clock);
    }

    private static CommandLine commandLine(Map<String, String> environment, Clock clock, List<Class<?>> commands) {
        CommandLine commandLine = new CommandLine(new TokenWorkerCommand(environment, clock));
        for (Class<?> command : commands) {
            commandLine.addSubcommand(command);
        }
        OptionValues.register(commandLine);
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            exitCodes.put(String.valueOf(code.code()), code.helpLine());
        }
        commandLine.getCommandSpec().usageMessage().exitCodeList(exitCodes);
        commandLine.setParameterExceptionHandler(TokenWorkerCommand::usageError);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            // A configuration problem reads as its list of variables to set, wherever it was raised.
            Throwable cause = e;
            while (cause != null && !(cause instanceof InvalidConfigurationException)) {
                cause = cause.getCause();
            }
            cmd.getErr().println(cause != null ? cause.getMessage() : "error: " + FailureClassifier.rootMessage(e));
            return FailureClassifier.classify(java.util.List.of(e)).code();
        });
        return commandLine;
    }

    /**
     * A mistake on the command line: what was wrong and where to look, not the whole usage text (which buried the
     * one line that mattered).
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (run, daemon, status, "
                + "demo, simulate); see --help");
    }
}
