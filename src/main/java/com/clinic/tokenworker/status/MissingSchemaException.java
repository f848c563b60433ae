package com.clinic.tokenworker.status;

import java.util.List;

/** The database lacks the worker's tables: status never creates them (it reads; the worker migrates). */
public class MissingSchemaException extends RuntimeException {

    public MissingSchemaException(List<String> missingTables) {
        super("this database has no token worker schema (missing: " + String.join(", ", missingTables) + "). The "
                + "worker creates it on its first start (run or daemon); if it has run, check SPRING_DATASOURCE_URL "
                + "and the search_path of its user");
    }
}
