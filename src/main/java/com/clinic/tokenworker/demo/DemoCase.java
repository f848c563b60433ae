package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.simulator.Fault;
import java.util.Optional;

/**
 * One kind of code the demo inserts, and how many. Each stands for something that happens in production: a
 * user who authorized a while ago, a code the web tier inserted too late, Fullscript refusing, stumbling, or
 * answering into a dropped connection.
 *
 * @param firstCallFault what the fake Fullscript does to the first call carrying the code
 * @param pastDeadline   received 11 minutes ago: the worker must expire it without a call
 * @param nearExpiry     its access token lands inside the refresh margin at once, to be flagged and refreshed
 */
public record DemoCase(String description, Region region, int count, Optional<Fault> firstCallFault,
                       boolean pastDeadline, boolean nearExpiry) {

    static DemoCase plain(String description, Region region, int count) {
        return new DemoCase(description, region, count, Optional.empty(), false, false);
    }

    static DemoCase faulty(String description, Region region, int count, Fault fault) {
        return new DemoCase(description, region, count, Optional.of(fault), false, false);
    }

    static DemoCase late(String description, Region region, int count) {
        return new DemoCase(description, region, count, Optional.empty(), true, false);
    }

    static DemoCase nearExpiry(String description, Region region, int count) {
        return new DemoCase(description, region, count, Optional.empty(), false, true);
    }
}
