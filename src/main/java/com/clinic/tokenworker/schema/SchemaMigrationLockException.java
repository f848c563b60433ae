package com.clinic.tokenworker.schema;

/** The lock that serializes migrations could not be taken: another worker migrates for too long, or no rights. */
public class SchemaMigrationLockException extends RuntimeException {

    public SchemaMigrationLockException(String message, Throwable cause) {
        super(message, cause);
    }
}
