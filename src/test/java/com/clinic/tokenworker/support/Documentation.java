package com.clinic.tokenworker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's documentation as the tests read it: README.md and every page of docs/. Commands and SQL are taken
 * from fenced blocks; a SQL block whose first line is {@code -- label} can be looked up by that label on any page.
 */
public final class Documentation {

    public static final Path README = Path.of("README.md");
    public static final Path DOCS = Path.of("docs");

    private static final Pattern FENCE = Pattern.compile("(?ms)^[ \\t]*```([a-z]*)[^\\n]*\\n(.*?)^[ \\t]*```");

    private Documentation() {
    }

    /** README.md first, then docs/*.md in name order. */
    public static List<Path> pages() {
        List<Path> pages = new ArrayList<>();
        pages.add(README);
        if (Files.isDirectory(DOCS)) {
            try (Stream<Path> files = Files.list(DOCS)) {
                files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    public static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(page + " must be readable from the project directory", e);
        }
    }

    /** The text between {@code <!-- section:name -->} and {@code <!-- /section:name -->}. */
    public static String section(Path page, String name) {
        String text = read(page);
        String start = "<!-- section:" + name + " -->";
        String end = "<!-- /section:" + name + " -->";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new AssertionError(page + " has no section '" + name + "' (" + start + " ... " + end + ")");
        }
        return text.substring(from + start.length(), to);
    }

    /** The bodies of the fenced blocks of a text whose info string is {@code language} ("" for any). */
    public static List<String> blocks(String text, String language) {
        List<String> blocks = new ArrayList<>();
        Matcher block = FENCE.matcher(text);
        while (block.find()) {
            if (language.isEmpty() || block.group(1).equals(language)) {
                blocks.add(block.group(2).stripIndent());
            }
        }
        return blocks;
    }

    /** Every ```sql block of a page. */
    public static List<String> sqlBlocks(Path page) {
        return blocks(read(page), "sql");
    }

    /** The label of a SQL block: its first line when that is a {@code -- comment}, else null. */
    public static String label(String sqlBlock) {
        String first = sqlBlock.strip().lines().findFirst().orElse("");
        return first.startsWith("-- ") ? first.substring(3).trim() : null;
    }

    /** Labelled SQL blocks of the given pages, by label, without the trailing semicolon. Labels must be unique. */
    public static Map<String, String> labelledSql(List<Path> pages) {
        Map<String, String> statements = new LinkedHashMap<>();
        Map<String, Path> where = new LinkedHashMap<>();
        for (Path page : pages) {
            for (String block : sqlBlocks(page)) {
                String label = label(block);
                if (label == null) {
                    continue;
                }
                if (where.containsKey(label)) {
                    throw new AssertionError("SQL label '-- " + label + "' appears twice: in " + where.get(label)
                            + " and " + page);
                }
                where.put(label, page);
                String sql = block.strip();
                statements.put(label, sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
            }
        }
        return statements;
    }

    /** Labelled SQL of README.md and every docs/ page. */
    public static Map<String, String> labelledSql() {
        return labelledSql(pages());
    }

    /** Words as {@code wc -w} counts them: runs of non-whitespace. */
    public static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
