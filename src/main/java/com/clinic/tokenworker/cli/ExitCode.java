package com.clinic.tokenworker.cli;

/** The process exit codes, documented in the README. A FAILED code row is data, not a process failure. */
public enum ExitCode {
    /** The job COMPLETED (or the command did its work). */
    OK(0),
    /** Any other failure; the log says what. */
    FAILURE(1),
    /** Unknown command or option (picocli's usage error). */
    USAGE(2),
    /** The configuration is invalid; nothing was touched. The message names each variable to set. */
    INVALID_CONFIGURATION(3),
    /** Fullscript refused the client credentials; unsent codes stay PENDING. */
    CREDENTIALS_REJECTED(4),
    /** The database could not be reached or refused the login. */
    DATABASE_UNREACHABLE(5),
    /** {@code status}: something needs attention. */
    ATTENTION_NEEDED(6);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
