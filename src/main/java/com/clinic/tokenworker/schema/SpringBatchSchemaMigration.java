package com.clinic.tokenworker.schema;

import org.springframework.stereotype.Component;

/** Spring Batch's job repository tables (BATCH_*), from the DDL inside spring-batch-core. */
@Component
class SpringBatchSchemaMigration extends ClasspathDdlMigration {

    SpringBatchSchemaMigration() {
        super("2", "spring batch job repository", "org/springframework/batch/core/schema-postgresql.sql");
    }
}
