package com.clinic.tokenworker.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/** Reads the demo's executions back from the job tables and sums them per step name. */
public final class StepTotals {

    private StepTotals() {
    }

    public static List<StepTotal> read(JobRepository jobRepository, List<Long> executionIds) {
        Map<String, Accumulator> byName = new LinkedHashMap<>();
        for (long id : executionIds) {
            JobExecution execution = jobRepository.getJobExecution(id);
            if (execution == null) {
                continue;
            }
            for (StepExecution step : execution.getStepExecutions()) {
                byName.computeIfAbsent(step.getStepName(), Accumulator::new).add(step);
            }
        }
        List<StepTotal> totals = new ArrayList<>();
        byName.values().forEach(a -> totals.add(a.total()));
        return totals;
    }

    public static Optional<StepTotal> named(List<StepTotal> totals, String name) {
        return totals.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static final class Accumulator {
        private final String name;
        private int executions;
        private long read;
        private long write;
        private long filter;
        private final Map<String, Long> counters = new TreeMap<>();

        Accumulator(String name) {
            this.name = name;
        }

        void add(StepExecution step) {
            executions++;
            read += step.getReadCount();
            write += step.getWriteCount();
            filter += step.getFilterCount();
            for (Map.Entry<String, Object> entry : step.getExecutionContext().entrySet()) {
                // Spring Batch keeps its own bookkeeping under "batch."; the step's tallies are the rest.
                if (entry.getValue() instanceof Number number && !entry.getKey().startsWith("batch.")) {
                    counters.merge(entry.getKey(), number.longValue(), Long::sum);
                }
            }
        }

        StepTotal total() {
            return new StepTotal(name, executions, read, write, filter, Collections.unmodifiableMap(counters));
        }
    }
}
