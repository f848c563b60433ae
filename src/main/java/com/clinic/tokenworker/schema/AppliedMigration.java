package com.clinic.tokenworker.schema;

/**
 * One versioned migration as Flyway records it in its history table: what the fast path compares, row for row,
 * with what the jar holds. Flyway validates these same columns (version, description, type, checksum).
 */
record AppliedMigration(String version, String description, String type, Integer checksum) {
}
