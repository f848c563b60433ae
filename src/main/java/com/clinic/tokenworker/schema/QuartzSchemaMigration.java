package com.clinic.tokenworker.schema;

import org.springframework.stereotype.Component;

/** Quartz's JDBC job store tables (QRTZ_*), from the DDL inside the quartz jar, minus its DROP TABLEs. */
@Component
class QuartzSchemaMigration extends ClasspathDdlMigration {

    QuartzSchemaMigration() {
        super("3", "quartz job store", "org/quartz/impl/jdbcjobstore/tables_postgres.sql");
    }
}
