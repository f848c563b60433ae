package com.clinic.tokenworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.cli.ExitCode;
import com.clinic.tokenworker.cli.Main;
import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.support.Documentation;
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
 * The README and docs/ promise commands, variables and links; this keeps the promises true. Commands shown in
 * code blocks of any page must be real subcommands with real options, every variable a page names must be a
 * {@link Setting}, relative links must resolve, the README must stay short, its configuration table must be
 * exactly what {@link Setting} generates, and every {@link Setting} must be read by the code (and every variable
 * the code mentions must be a Setting). The SQL of the pages is run by {@code DocumentedSqlTest}.
 */
class ReadmeTest {

    private static final Path README = Documentation.README;
    private static final int README_MAX_WORDS = 2_500;
    private static final String JAR_COMMAND = "java -jar target/fullscript-token-worker.jar";
    private static final Pattern FENCE = Pattern.compile("(?ms)^[ \\t]*```[^\\n]*\\n(.*?)^[ \\t]*```");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern VARIABLE_NAME =
            Pattern.compile("\\b(?:SPRING_DATASOURCE|FULLSCRIPT|TOKEN|TOKENWORKER)_[A-Z0-9_]*[A-Z0-9]\\b");
    /** Variables of the test harness, not of the worker: the pages may name them. */
    private static final Set<String> TEST_VARIABLES = Set.of("TOKENWORKER_TEST_DATABASE_URL",
            "TOKENWORKER_TEST_DATABASE_USERNAME", "TOKENWORKER_TEST_DATABASE_PASSWORD");
    /**
     * Pages other developers are writing in parallel: a link to one may dangle until it lands. Remove a name once
     * its page is on main, so a broken link to it fails again.
     */
    private static final Set<Path> PAGES_BEING_WRITTEN = Set.<String>of().stream()
            .map(Documentation.DOCS::resolve).collect(Collectors.toSet());

    @Test
    void readmeWhenCountedLikeWcThenAtMost2500Words() {
        int words = Documentation.words(Documentation.read(README));

        assertThat(words).as("README.md words (wc -w); move detail to a page of docs/ and link it")
                .isLessThanOrEqualTo(README_MAX_WORDS);
    }

    /** A new reader sees how to try it and how to run it before scrolling. */
    @Test
    void readmeWhenOpenedThenDemoAndRunAreTheFirstCommandsOnTheFirstScreen() {
        String firstScreen = String.join("\n", Documentation.read(README).lines().limit(40).toList());

        assertThat(jarCommands(firstScreen)).startsWith(List.of("demo"), List.of("run"));
    }

    @Test
    void commandsWhenShownInAnyPageThenTheyAreRealSubcommandsWithRealOptions() {
        CommandLine root = commandLine();
        assertThat(jarCommands(Documentation.read(README))).as("commands shown in README code blocks").isNotEmpty();
        for (Path page : Documentation.pages()) {
            for (List<String> args : jarCommands(Documentation.read(page))) {
                assertRealCommand(root, page, args);
            }
        }
    }

    private static void assertRealCommand(CommandLine root, Path page, List<String> args) {
        CommandLine target = root;
        for (String arg : args) {
            if (arg.startsWith("-")) {
                String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                assertThat(target.getCommandSpec().findOption(option))
                        .as("option %s of '%s' in %s command %s", option, target.getCommandName(), page, args)
                        .isNotNull();
            } else if (target == root) {
                assertThat(root.getSubcommands()).as("%s command %s", page, args).containsKey(arg);
                target = root.getSubcommands().get(arg);
            }
        }
    }

    @Test
    void simulatorOptionsWhenListedInTheWebTierGuideThenSimulateHasThem() {
        CommandSpec simulate = commandLine().getSubcommands().get("simulate").getCommandSpec();
        Matcher option = Pattern.compile("`(--[a-z0-9-]+)")
                .matcher(Documentation.section(Documentation.DOCS.resolve("web-tier.md"), "simulator"));
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

    @Test
    void variablesWhenNamedInAnyPageThenEachIsASetting() {
        Set<String> settings = Arrays.stream(Setting.values()).map(Setting::name).collect(Collectors.toSet());
        for (Path page : Documentation.pages()) {
            Set<String> named = new TreeSet<>();
            Matcher m = VARIABLE_NAME.matcher(Documentation.read(page));
            while (m.find()) {
                named.add(m.group());
            }
            named.removeAll(TEST_VARIABLES);

            assertThat(settings).as("variables named in %s", page).containsAll(named);
        }
    }

    @Test
    void linksWhenRelativeThenTheTargetFileAndHeadingExist() {
        List<String> broken = new ArrayList<>();
        for (Path page : Documentation.pages()) {
            Matcher link = LINK.matcher(FENCE.matcher(Documentation.read(page)).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : parentOf(page).resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    if (!PAGES_BEING_WRITTEN.contains(resolved)) {
                        broken.add(page + ": " + target + " (no file " + resolved + ")");
                    }
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !headingAnchors(Documentation.read(resolved)).contains(anchor)) {
                    broken.add(page + ": " + target + " (no heading with anchor #" + anchor + " in " + resolved + ")");
                }
            }
        }

        assertThat(broken).as("relative links that do not resolve").isEmpty();
    }

    /** Exit codes are described once, in the README, and the table covers exactly the codes the commands use. */
    @Test
    void exitCodesWhenTabulatedInTheReadmeThenExactlyTheCommandsCodes() {
        Set<Integer> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(section("exitcodes"));
        while (row.find()) {
            documented.add(Integer.parseInt(row.group(1)));
        }
        Set<Integer> codes = Arrays.stream(ExitCode.values()).map(ExitCode::code)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> inHelp = commandLine().getCommandSpec().usageMessage().exitCodeList().keySet().stream()
                .map(key -> Integer.parseInt(key.strip())).collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).as("exit codes in the README's table").isEqualTo(codes);
        assertThat(inHelp).as("exit codes listed by --help").isEqualTo(codes);
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
    static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : FENCE.matcher(markdown).replaceAll("").lines().toList()) {
            Matcher heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
            if (heading.matches()) {
                String slug = heading.group(1).toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int repeat = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
        }
        return anchors;
    }

    private static Path parentOf(Path page) {
        Path parent = page.getParent();
        return parent == null ? Path.of("") : parent;
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

    private static String section(String name) {
        return Documentation.section(README, name);
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
