package com.clinic.tokenworker.status;

import java.time.Instant;
import java.util.List;

/** Everything {@code status} prints, read in one snapshot, and the rules that fired. Its shape is --json's contract. */
public record StatusReport(Instant checkedAt, boolean healthy, List<Finding> attention, CodesReport codes,
                           TokensReport tokens, ThrottleReport throttle, RunsReport runs) {

    public static StatusReport of(Instant checkedAt, List<Finding> attention, CodesReport codes, TokensReport tokens,
                                  ThrottleReport throttle, RunsReport runs) {
        return new StatusReport(checkedAt, attention.isEmpty(), List.copyOf(attention), codes, tokens, throttle,
                runs);
    }
}
