package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.simulator.Fault;
import java.time.Duration;
import java.util.List;

/** The codes {@code demo} inserts: mostly ordinary ones, and one or more of every case the worker must handle. */
public final class DemoMix {

    private DemoMix() {
    }

    public static List<DemoCase> standard() {
        return List.of(
                DemoCase.plain("exchanged on the first call", Region.US, 16),
                DemoCase.plain("exchanged on the first call (Canada)", Region.CA, 5),
                DemoCase.nearExpiry("authorized long ago: token flagged and refreshed", Region.US, 2),
                DemoCase.nearExpiry("authorized long ago: token flagged and refreshed", Region.CA, 2),
                DemoCase.late("inserted 11 minutes late: expires without a call", Region.US, 2),
                DemoCase.late("inserted 11 minutes late: expires without a call", Region.CA, 1),
                DemoCase.faulty("rejected by Fullscript (invalid_grant): fails", Region.US, 3,
                        new Fault.InvalidGrant()),
                DemoCase.faulty("503 on the first call: exchanged on the retry", Region.US, 2,
                        new Fault.ServerError(503)),
                // With a Retry-After: without one the worker pauses 30 s, which would only make the demo wait.
                DemoCase.faulty("429, Retry-After 1 s: every worker pauses, then exchanged", Region.US, 1,
                        new Fault.RateLimited(Duration.ofSeconds(1))),
                DemoCase.faulty("429, Retry-After 1 s: every worker pauses, then exchanged", Region.CA, 1,
                        new Fault.RateLimited(Duration.ofSeconds(1))),
                DemoCase.faulty("answer lost after Fullscript used the code: the retry fails", Region.US, 1,
                        new Fault.LostResponse()));
    }

    public static int total(List<DemoCase> mix) {
        return mix.stream().mapToInt(DemoCase::count).sum();
    }
}
