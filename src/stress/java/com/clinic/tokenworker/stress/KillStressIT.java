package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Campaign 1 at full size (-Pstress): 20 seeded rounds of SIGKILLs against three worker processes. */
class KillStressIT {

    @Test
    void killAtRandomMomentsThenEveryGuaranteeHolds() throws Exception {
        KillCampaign.Result result = KillCampaign.run(KillCampaign.Settings.fromProperties(KillCampaignTest.SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
