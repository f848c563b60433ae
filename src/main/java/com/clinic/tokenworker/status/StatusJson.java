package com.clinic.tokenworker.status;

import java.io.PrintWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code status --json}: the report's records as they are, instants as ISO-8601 UTC strings. */
public final class StatusJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private StatusJson() {
    }

    public static void print(StatusReport report, PrintWriter out) {
        out.println(MAPPER.writeValueAsString(report));
        out.flush();
    }
}
