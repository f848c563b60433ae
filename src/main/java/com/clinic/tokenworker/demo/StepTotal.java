package com.clinic.tokenworker.demo;

import java.util.Map;

/**
 * One step of {@code tokenMaintenanceJob} summed over the demo's executions, as the job tables hold it. Steps
 * are read by name, whatever they are, so a step added to the job shows up here without a change.
 *
 * @param counters the numeric entries of the step's execution context (the step's own tallies), summed
 */
public record StepTotal(String name, int executions, long read, long write, long filter,
                        Map<String, Long> counters) {
}
