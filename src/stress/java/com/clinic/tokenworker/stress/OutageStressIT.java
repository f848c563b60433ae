package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Campaign 2 at full size (-Pstress): connections killed, the server stopped for seconds and past a lease. */
class OutageStressIT {

    @Test
    void databaseGoesAwayMidRunThenEveryGrantIsStoredOrReportedLost() throws Exception {
        OutageCampaign.Result result = OutageCampaign.run(OutageCampaign.Settings.fromProperties(OutageCampaignTest.SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
