package com.clinic.tokenworker.stress;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for every code and token the fake Fullscript handed out, and the client secret, in the workers' logs (at
 * DEBUG: every line, every stack trace) and in every table of the database except where they belong (the code of
 * a waiting row, the ciphertexts): last_error, the Batch execution contexts (Base64 of Java serialization,
 * decoded first), exit descriptions, job parameters, Quartz's tables.
 */
final class SecretScan {

    /** The fake's codes and tokens: 32 random bytes, Base64url without padding. */
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9_-]{43,}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=]{40,}");
    private static final int SECRET_LENGTH = 43;

    record Result(long logLines, long values, int secrets, List<String> hits) {
        String describe() {
            return logLines + " log lines and " + values + " database values scanned for " + secrets
                    + " codes/tokens and the client secret: " + (hits.isEmpty() ? "none found" : hits.size() + " found");
        }
    }

    private SecretScan() {
    }

    static Result scan(Set<String> secrets, String clientSecret, Collection<Path> logs, Connection db)
            throws IOException, SQLException {
        List<String> hits = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1)) {
                String line;
                int number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    lines++;
                    String where = check(line, secrets, clientSecret);
                    if (where != null) {
                        hits.add(log.getFileName() + ":" + number + " holds " + where);
                    }
                }
            }
        }
        long values = 0;
        List<String> tables = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String table : tables) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT (to_jsonb(t) - 'code' "
                    + "- 'access_token_ciphertext' - 'refresh_token_ciphertext')::text FROM \"" + table + "\" t")) {
                while (rs.next()) {
                    values++;
                    String row = rs.getString(1);
                    String where = check(row, secrets, clientSecret);
                    if (where == null) {
                        where = checkDecoded(row, secrets, clientSecret);
                    }
                    if (where != null) {
                        hits.add("table " + table + " holds " + where);
                    }
                }
            }
        }
        return new Result(lines, values, secrets.size(), hits);
    }

    /** @return what was found (never the value itself), or null */
    private static String check(String text, Set<String> secrets, String clientSecret) {
        if (clientSecret != null && text.contains(clientSecret)) {
            return "the client secret";
        }
        Matcher m = RUN.matcher(text);
        while (m.find()) {
            String run = m.group();
            for (int i = 0; i + SECRET_LENGTH <= run.length(); i++) {
                if (secrets.contains(run.substring(i, i + SECRET_LENGTH))) {
                    return "a code or token (#" + Ledger.shortHash(run.substring(i, i + SECRET_LENGTH)) + ")";
                }
            }
        }
        return null;
    }

    /** Spring Batch stores execution contexts as Base64 of Java serialization: decode what looks like it. */
    private static String checkDecoded(String text, Set<String> secrets, String clientSecret) {
        Matcher m = BASE64.matcher(text);
        while (m.find()) {
            try {
                String decoded = new String(Base64.getDecoder().decode(m.group()), StandardCharsets.ISO_8859_1);
                String where = check(decoded, secrets, clientSecret);
                if (where != null) {
                    return where + " (Base64-encoded)";
                }
            } catch (IllegalArgumentException notBase64) {
                // Not Base64 after all.
            }
        }
        return null;
    }
}
