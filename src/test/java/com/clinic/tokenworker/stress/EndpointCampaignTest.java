package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Campaign 3 in the plain {@code mvn verify}: one code per misbehaviour, no 429 storm. EndpointStressIT
 * runs it with more codes per misbehaviour under {@code -Pstress}.
 */
class EndpointCampaignTest {

    @Test
    void endpointWhenItMisbehavesThenEachCodeEndsInItsDocumentedOutcomeInBoundedTimeAndMemory() throws Exception {
        EndpointCampaign.Result result = EndpointCampaign.run(
                StressSettings.integer("stress.endpoint.codesPerFault", 1),
                StressSettings.integer("stress.endpoint.stormCodes", 0));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
