package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.db.ConnectionLost;
import com.clinic.tokenworker.exchange.FullscriptCredentialsRejectedException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Maps a failure (from startup or from a job execution) to the exit code an operator or a CronJob acts on. */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    public static ExitCode classify(List<Throwable> failures) {
        for (Throwable failure : failures) {
            if (has(failure, FullscriptCredentialsRejectedException.class)) {
                return ExitCode.CREDENTIALS_REJECTED;
            }
        }
        for (Throwable failure : failures) {
            if (has(failure, InvalidConfigurationException.class)) {
                return ExitCode.INVALID_CONFIGURATION;
            }
            if (isDatabaseUnreachable(failure)) {
                return ExitCode.DATABASE_UNREACHABLE;
            }
        }
        return ExitCode.FAILURE;
    }

    static boolean isDatabaseUnreachable(Throwable failure) {
        if (ConnectionLost.in(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CannotGetJdbcConnectionException || t instanceof DataAccessResourceFailureException
                    || t instanceof ConnectException) {
                return true;
            }
            // 08: connection exception; 28: invalid authorization; 3D000: database does not exist
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("28")
                    || sql.getSQLState().equals("3D000"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        return find(failure, type).isPresent();
    }

    /**
     * One line saying what went wrong and what to fix: the problem's own message for configuration and rejected
     * credentials, where the database is and which setting to check when it cannot be reached, the innermost
     * message otherwise. Never a stack trace: {@link #log} puts that at DEBUG.
     */
    static String explain(ExitCode code, Throwable failure, DatabaseAddress database) {
        return switch (code) {
            case CREDENTIALS_REJECTED -> find(failure, FullscriptCredentialsRejectedException.class)
                    .map(Throwable::getMessage).orElseGet(() -> rootMessage(failure));
            case INVALID_CONFIGURATION -> find(failure, InvalidConfigurationException.class)
                    .map(Throwable::getMessage).orElseGet(() -> rootMessage(failure));
            case DATABASE_UNREACHABLE -> database.explain(failure);
            default -> rootMessage(failure) + " (" + DEBUG_HINT + ")";
        };
    }

    /** How to see the traces the default level leaves out. */
    static final String DEBUG_HINT = "TOKENWORKER_LOG_LEVEL=DEBUG shows the stack trace";

    /**
     * Logs a failed command in one line per problem at ERROR; the stack trace only at DEBUG, since at the default
     * level it would bury the one line that says what to fix.
     */
    static void log(Logger log, String command, ExitCode code, Throwable failure, TokenWorkerProperties properties) {
        log(log, command, code, failure, DatabaseAddress.of(properties, java.util.Map.of()));
    }

    static void log(Logger log, String command, ExitCode code, Throwable failure, DatabaseAddress database) {
        log.error("{} failed (exit {}): {}", command, code.code(), explain(code, failure, database));
        log.debug("stack trace of the failure above", failure);
    }

    /** The innermost message, for one readable log line instead of a trace. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
