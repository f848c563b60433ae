package com.clinic.tokenworker.cli;

/**
 * The process exit codes. Each one's meaning and what to do are the single source of the exit-code list in
 * {@code --help} and of the README's exit-code table (a test keeps the two in step).
 */
public enum ExitCode {
    OK(0, "the command did its work: the job COMPLETED (or ended STOPPED on SIGTERM); `status`: healthy. A code that FAILED or EXPIRED is data, recorded in its row",
            "nothing"),
    FAILURE(1, "any other failure; the log line says what. `status`: the database holds no worker tables, or the login may not read them",
            "read the log; for `status`, point it at the worker's database or grant `tokenworker_monitor`"),
    USAGE(2, "unknown command or option, or a bad value for an option of the command itself (`--window`, `--executions`…)",
            "see `<command> --help`"),
    INVALID_CONFIGURATION(3, "invalid configuration (a variable, or an option that overrides one), found before anything was touched; each problem is named, with an example",
            "fix the variables or options"),
    CREDENTIALS_REJECTED(4, "Fullscript rejected the client credentials (`invalid_client`); codes not yet sent stay `PENDING`",
            "fix `FULLSCRIPT_US_CLIENT_ID`/`_SECRET` (or the CA pair) and `FULLSCRIPT_ENVIRONMENT` (sandbox and production apps differ), then run again before the codes' deadlines"),
    DATABASE_UNREACHABLE(5, "the database is unreachable or refused the login",
            "check `SPRING_DATASOURCE_URL`, `_USERNAME`, `_PASSWORD` and the network"),
    ATTENTION_NEEDED(6, "`status` only: something needs attention; each rule that fired is printed as `! RULE: why`",
            "see the rule in the [runbook](docs/runbook.md#status-rules)");

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
