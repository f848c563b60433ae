package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.exchange.FullscriptCredentialsRejectedException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;
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
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * One readable line for a failure the operator can act on (configuration, credentials, database); the stack
     * trace only for an unexpected one, where whoever reads the log needs it.
     */
    public static void log(Logger log, String command, ExitCode code, Throwable failure) {
        if (code == ExitCode.FAILURE) {
            log.error("{} failed ({}): {}", command, code, rootMessage(failure), failure);
        } else {
            log.error("{} failed ({}): {}", command, code, rootMessage(failure));
        }
    }

    /** The innermost message, for one readable log line instead of a trace. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
