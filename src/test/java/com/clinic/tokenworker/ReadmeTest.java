package com.clinic.tokenworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.cli.Main;
import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The README promises commands and variables; this keeps the promises true. Commands shown in code blocks must
 * be real subcommands with real options, the configuration table must be exactly what {@link Setting} generates,
 * and every {@link Setting} must be read by the code (and every variable the code mentions must be a Setting).
 */
class ReadmeTest {

    private static final Path README = Path.of("README.md");
    private static final String JAR_COMMAND = "java -jar target/fullscript-token-worker.jar";
    private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
    private static final Pattern VARIABLE_NAME =
            Pattern.compile("\\b(?:SPRING_DATASOURCE|FULLSCRIPT|TOKEN|TOKENWORKER)_[A-Z0-9_]*[A-Z0-9]\\b");

    @Test
    void commandsWhenShownInTheReadmeThenTheyAreRealSubcommandsWithRealOptions() throws IOException {
        CommandLine root = commandLine();
        List<List<String>> commands = jarCommands(Files.readString(README));

        assertThat(commands).as("commands shown in README code blocks").isNotEmpty();
        for (List<String> args : commands) {
            CommandLine target = root;
            for (String arg : args) {
                if (arg.startsWith("-")) {
                    String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                    assertThat(target.getCommandSpec().findOption(option))
                            .as("option %s of '%s' in README command %s", option, target.getCommandName(), args)
                            .isNotNull();
                } else if (target == root) {
                    assertThat(root.getSubcommands()).as("README command %s", args).containsKey(arg);
                    target = root.getSubcommands().get(arg);
                }
            }
        }
    }

    @Test
    void simulatorOptionsWhenListedInTheReadmeThenSimulateHasThem() throws IOException {
        CommandSpec simulate = commandLine().getSubcommands().get("simulate").getCommandSpec();
        Matcher option = Pattern.compile("`(--[a-z0-9-]+)").matcher(section("simulator"));
        Set<String> listed = new TreeSet<>();
        while (option.find()) {
            listed.add(option.group(1));
        }

        assertThat(listed).isNotEmpty();
        assertThat(listed).allSatisfy(name -> assertThat(simulate.findOption(name)).as(name).isNotNull());
    }

    @Test
    void configurationTableWhenComparedWithSettingThenIdentical() throws IOException {
        String section = section("configuration");
        List<String> table = section.lines().filter(line -> line.startsWith("|")).toList();
        List<String> generated = settingsTable();
        if (Boolean.getBoolean("readme.update") && !table.equals(generated)) {
            rewriteTable(table, generated);
            table = generated;
        }

        Set<String> documented = table.stream().skip(2)
                .map(row -> row.substring(row.indexOf('`') + 1, row.indexOf('`', row.indexOf('`') + 1)))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> settings = Arrays.stream(Setting.values()).map(Setting::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).as("variables in the README's configuration table").isEqualTo(settings);
        assertThat(table).as("the configuration table is generated from Setting; rewrite it with "
                + "mvn -q test -Dtest=ReadmeTest -Dreadme.update=true").isEqualTo(generated);
    }

    /** Read, not merely declared: the properties ask the environment for every variable of the enum. */
    @Test
    void settingsWhenPropertiesAreReadThenEveryOneIsLookedUp() {
        Set<Object> lookedUp = new LinkedHashSet<>();
        Map<String, String> recording = new HashMap<>() {
            @Override
            public String get(Object key) {
                lookedUp.add(key);
                return super.get(key);
            }
        };

        TokenWorkerProperties.fromEnvironment(recording);

        assertThat(lookedUp).containsAll(Arrays.stream(Setting.values()).map(Setting::name).toList());
    }

    /** And the other way round: a variable named anywhere in the code (a message, a default) is a Setting. */
    @Test
    void variablesWhenNamedInTheCodeThenEachIsASetting() throws IOException {
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = VARIABLE_NAME.matcher(Files.readString(file));
                while (m.find()) {
                    named.add(m.group());
                }
            }
        }
        Set<String> settings = Arrays.stream(Setting.values()).map(Setting::name).collect(Collectors.toSet());

        assertThat(named).isNotEmpty();
        assertThat(settings).as("variables named in src/main/java").containsAll(named);
    }

    static List<String> settingsTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| Variable | Default | Meaning |");
        rows.add("|---|---|---|");
        for (Setting setting : Setting.values()) {
            String defaultValue = setting.defaultValue() == null ? "(none)"
                    : setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
            rows.add("| `" + setting.name() + "` | " + defaultValue + " | "
                    + setting.description().replace("|", "\\|") + " |");
        }
        return rows;
    }

    private static CommandLine commandLine() {
        return Main.commandLine(Map.of(), Clock.systemUTC());
    }

    /** Each {@code java -jar ... <args>} in a code block, as its argument list (shell syntax after it cut off). */
    static List<List<String>> jarCommands(String readme) {
        List<List<String>> commands = new ArrayList<>();
        Matcher block = FENCE.matcher(readme);
        while (block.find()) {
            String code = block.group(1).replace("\\\n", " ");
            for (String line : code.lines().toList()) {
                int at = line.indexOf(JAR_COMMAND);
                while (at >= 0) {
                    String rest = line.substring(at + JAR_COMMAND.length());
                    String args = rest.split("\\s#|\\||&&|;|>|\\)|\\$\\(")[0].trim();
                    commands.add(args.isEmpty() ? List.of() : List.of(args.split("\\s+")));
                    at = line.indexOf(JAR_COMMAND, at + 1);
                }
            }
        }
        return commands;
    }

    private static String section(String name) throws IOException {
        String readme = Files.readString(README);
        String start = "<!-- section:" + name + " -->";
        String end = "<!-- /section:" + name + " -->";
        assertThat(readme).contains(start, end);
        return readme.substring(readme.indexOf(start) + start.length(), readme.indexOf(end));
    }

    private static void rewriteTable(List<String> current, List<String> generated) throws IOException {
        String readme = Files.readString(README);
        String start = "<!-- section:configuration -->";
        String end = "<!-- /section:configuration -->";
        int from = readme.indexOf(start) + start.length();
        int to = readme.indexOf(end);
        String body = readme.substring(from, to);
        String oldTable = current.isEmpty() ? "" : String.join("\n", current) + "\n";
        String newTable = String.join("\n", generated) + "\n";
        String newBody = oldTable.isEmpty() ? body.stripTrailing() + "\n\n" + newTable
                : body.replace(oldTable, newTable);
        Files.writeString(README, readme.substring(0, from) + newBody + readme.substring(to), StandardCharsets.UTF_8);
    }
}
