package com.clinic.tokenworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The statements PostgreSQL logged for one database ({@code log_min_duration_statement = 0}, prefix
 * {@code %m@%d@%p@}: no shell metacharacter, as zonky hands the settings to pg_ctl). A statement is an
 * {@code execute} of the extended protocol or a simple-protocol {@code statement}; the {@code parse} and
 * {@code bind} lines of the same statement are not counted again.
 */
final class StatementLog {

    private static final Pattern PREFIX = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\w+@([^@]*)@(\\d+)@(\\w+):\\s+(.*)$");
    private static final Pattern DURATION = Pattern.compile(
            "^duration: ([0-9.]+) ms\\s+(?:(execute) [^:]*|(statement)): (.*)$", Pattern.DOTALL);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    record Statement(long epochMillis, int pid, double durationMillis, String sql, String parameters) {

        boolean isTransactionControl() {
            String s = sql.trim().toUpperCase();
            return s.equals("BEGIN") || s.equals("COMMIT") || s.equals("ROLLBACK") || s.startsWith("SET ")
                    || s.startsWith("SHOW ") || s.startsWith("SAVEPOINT") || s.startsWith("RELEASE");
        }
    }

    private StatementLog() {
    }

    static List<Statement> of(Path log, String database) throws IOException {
        List<Statement> statements = new ArrayList<>();
        String[] current = null;
        List<String[]> entries = new ArrayList<>();
        try (Stream<String> lines = Files.lines(log)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = PREFIX.matcher(line);
                if (m.matches()) {
                    current = new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)};
                    entries.add(current);
                } else if (current != null) {
                    current[4] = current[4] + "\n" + line;
                }
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            String[] e = entries.get(i);
            if (!database.equals(e[1]) || !"LOG".equals(e[3])) {
                continue;
            }
            Matcher d = DURATION.matcher(e[4]);
            if (!d.matches()) {
                continue;
            }
            String parameters = "";
            for (int j = i + 1; j < Math.min(entries.size(), i + 4); j++) {
                String[] next = entries.get(j);
                if (next[2].equals(e[2]) && "DETAIL".equals(next[3]) && next[4].startsWith("parameters:")) {
                    parameters = next[4].substring("parameters:".length()).trim();
                    break;
                }
                if (next[2].equals(e[2])) {
                    break;
                }
            }
            long millis = LocalDateTime.parse(e[0], TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
            statements.add(new Statement(millis, Integer.parseInt(e[2]), Double.parseDouble(d.group(1)),
                    d.group(4), parameters));
        }
        return statements;
    }

    /** The statement with its {@code $n} placeholders replaced by the logged literal values. */
    static String withParameters(Statement statement) {
        String sql = statement.sql();
        if (statement.parameters().isBlank()) {
            return sql;
        }
        Matcher m = Pattern.compile("\\$(\\d+) = ('(?:[^']|'')*'|NULL)").matcher(statement.parameters());
        List<String[]> values = new ArrayList<>();
        while (m.find()) {
            values.add(new String[] {m.group(1), m.group(2)});
        }
        values.sort((a, b) -> Integer.parseInt(b[0]) - Integer.parseInt(a[0]));
        for (String[] v : values) {
            sql = sql.replace("$" + v[0], v[1]);
        }
        return sql;
    }
}
