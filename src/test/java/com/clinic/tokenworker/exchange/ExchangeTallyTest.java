package com.clinic.tokenworker.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExchangeTallyTest {

    /** A new outcome variant without a tally would fail its step at the first such outcome, not at build time. */
    @Test
    void everyOutcomeVariantIsCountedExactlyOnce() {
        for (Class<?> variant : ExchangeOutcome.class.getPermittedSubclasses()) {
            assertThat(Arrays.stream(ExchangeTally.values())
                    .filter(tally -> tally.counts(variant))
                    .collect(Collectors.toList()))
                    .as(variant.getSimpleName())
                    .hasSize(1);
        }
    }

    @Test
    void aLostGrantCountsAsFailedAndARefusedRegionAsReleased() {
        assertThat(ExchangeTally.of(new ExchangeOutcome.GrantLost("lost", java.util.Optional.empty())))
                .isEqualTo(ExchangeTally.FAILED);
        assertThat(ExchangeTally.of(new ExchangeOutcome.CredentialsRejected(
                com.clinic.tokenworker.fullscript.Region.US, java.util.Optional.empty())))
                .isEqualTo(ExchangeTally.RELEASED);
    }
}
