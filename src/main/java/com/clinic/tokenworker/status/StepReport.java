package com.clinic.tokenworker.status;

/** One step of an execution, with the counts the step keeps (see each step's Javadoc for their meaning). */
public record StepReport(String name, String status, long readCount, long writeCount, long filterCount,
                         long commitCount, long rollbackCount, String exitCode, String exitDescription) {
}
