package com.clinic.tokenworker.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultPlanTest {

    private final FaultPlan plan = new FaultPlan(null);

    @Test
    void targetedFaultWinsAndLeavesTheQueuedFaultForTheNextRequest() {
        Fault queued = new Fault.ServerError(500);
        Fault forCode = new Fault.LostResponse();
        plan.enqueue(queued);
        plan.forCode("c1", forCode, 1);

        assertThat(plan.next("c1", null)).contains(forCode);
        assertThat(plan.next("c1", null)).contains(queued);
        assertThat(plan.next("c1", null)).isEmpty();
    }

    @Test
    void codeFaultWinsOverRefreshTokenFault() {
        plan.forCode("c1", new Fault.GarbageBody(), 1);
        plan.forRefreshToken("r1", new Fault.InvalidGrant(), 1);

        assertThat(plan.next("c1", "r1")).contains(new Fault.GarbageBody());
        assertThat(plan.next("c1", "r1")).contains(new Fault.InvalidGrant());
    }

    @Test
    void clearDropsPlannedFaults() {
        plan.enqueue(new Fault.GarbageBody());
        plan.forRefreshToken("r1", new Fault.InvalidGrant(), 3);

        plan.clear();

        assertThat(plan.next(null, "r1")).isEmpty();
    }

    @Test
    void invalidFaultParametersAreRejected() {
        assertThatThrownBy(() -> new Fault.ServerError(429)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan.forCode("c", new Fault.GarbageBody(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatorOptions.builder().serverErrorRate(0.6).lostResponseRate(0.6).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
