package com.clinic.tokenworker.cli;

/**
 * The process exit codes. Each one's meaning and what to do are the single source of the exit-code list in
 * {@code --help} and of the README's exit-code table (a test keeps the two in step).
 */
public enum ExitCode {
    OK(0, "the job COMPLETED (`status`: healthy). A code that FAILED or EXPIRED is a data outcome, recorded in its "
            + "row, not a process failure", "nothing"),
    FAILURE(1, "any other failure; the log line says what", "read the log"),
    USAGE(2, "unknown command or option, or an option's value is malformed", "see `--help`"),
    INVALID_CONFIGURATION(3, "invalid configuration, detected before anything was touched; each problem names the "
            + "variable (or the option) to set, with an example", "fix the variable"),
    CREDENTIALS_REJECTED(4, "Fullscript rejected the client credentials (`invalid_client`); codes not yet sent stay "
            + "`PENDING`", "fix `FULLSCRIPT_<REGION>_CLIENT_ID/SECRET` (and `FULLSCRIPT_ENVIRONMENT`: sandbox and "
            + "production apps differ) and run again before the codes' deadlines"),
    DATABASE_UNREACHABLE(5, "the database is unreachable or refused the login",
            "check `SPRING_DATASOURCE_*` and the network"),
    ATTENTION_NEEDED(6, "`status` only: something needs attention (the output names the rule)",
            "see [Monitoring](#monitoring)");

    private final int code;
    private final String meaning;
    private final String whatToDo;

    ExitCode(int code, String meaning, String whatToDo) {
        this.code = code;
        this.meaning = meaning;
        this.whatToDo = whatToDo;
    }

    public int code() {
        return code;
    }

    /** What the code means, in the README's Markdown. */
    public String meaning() {
        return meaning;
    }

    /** What the operator does about it, in the README's Markdown. */
    public String whatToDo() {
        return whatToDo;
    }

    /** The README's table row. */
    public String markdownRow() {
        return "| " + code + " | " + meaning + " | " + whatToDo + " |";
    }

    /** The line of {@code --help}: the meaning without Markdown. */
    String helpLine() {
        return meaning.replace("`", "");
    }
}
