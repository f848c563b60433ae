package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Campaign 3 at full size (-Pstress): several codes per misbehaviour, 429 storms, and
 * misbehaviours met by refreshes. */
class EndpointStressIT {

    @Test
    void endpointMisbehavesThenEachCodeEndsInItsDocumentedOutcome() throws Exception {
        EndpointCampaign.Result result = EndpointCampaign.run(
                StressSettings.integer("stress.endpoint.codesPerFault", 2),
                StressSettings.integer("stress.endpoint.stormCodes", 12), true);
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
