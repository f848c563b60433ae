package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where the database is, as an operator would look for it: host, port and database name, never the user-info or
 * the parameters of the JDBC URL (a password may be written there). Turns a failure to connect into one line
 * saying which of the settings to check.
 */
record DatabaseAddress(String shown, String urlSetting) {

    static final int DEFAULT_PORT = 5432;

    static DatabaseAddress of(TokenWorkerProperties properties, Map<Setting, String> optionNames) {
        String urlSetting = optionNames.getOrDefault(Setting.SPRING_DATASOURCE_URL, Setting.SPRING_DATASOURCE_URL.name());
        return properties.datasourceUrl()
                .map(url -> new DatabaseAddress(hostPortAndDatabase(url), urlSetting))
                .orElseGet(() -> new DatabaseAddress("localhost:" + properties.embeddedPort()
                        + "/postgres (the embedded development database)", urlSetting));
    }

    /** {@code jdbc:postgresql://db:5433/clinic?password=x} reads {@code db:5433/clinic}. */
    static String hostPortAndDatabase(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        int slash = rest.indexOf('/');
        String hosts = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? rest.substring(slash + 1) : "";
        hosts = hosts.substring(hosts.lastIndexOf('@') + 1);
        StringBuilder shown = new StringBuilder();
        for (String host : hosts.split(",")) {
            if (!shown.isEmpty()) {
                shown.append(',');
            }
            boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
            shown.append(host.isEmpty() ? "localhost" : host).append(hasPort ? "" : ":" + DEFAULT_PORT);
        }
        return shown + "/" + database;
    }

    /** One line for a failure {@link FailureClassifier#isDatabaseUnreachable} recognised. */
    String explain(Throwable failure) {
        String state = sqlState(failure);
        if (state != null && state.startsWith("28")) {
            return "the database at " + shown + " refused the login (" + serverMessage(failure) + "); check "
                    + Setting.SPRING_DATASOURCE_USERNAME + " and " + Setting.SPRING_DATASOURCE_PASSWORD;
        }
        if ("3D000".equals(state)) {
            return "the database at " + shown + " does not exist (" + serverMessage(failure) + "); check the "
                    + "database name in " + urlSetting;
        }
        return "cannot reach the database at " + shown + " (" + reason(failure) + "); check " + urlSetting
                + " and that PostgreSQL accepts connections there";
    }

    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SocketTimeoutException) {
                return "connection timed out";
            }
        }
        return serverMessage(failure);
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** The driver's or the server's own words: they name the user or the database, never a password. */
    private static String serverMessage(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return FailureClassifier.rootMessage(failure);
        }
        return message.lines().findFirst().orElse(message).strip();
    }
}
