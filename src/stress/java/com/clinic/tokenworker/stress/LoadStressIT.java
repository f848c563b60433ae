package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Campaign 4 at full size (-Pstress): 5 processes, 20,000 codes, a run longer than the 5-minute window. It waits
 * on its budget most of the time, so it runs beside the other campaigns (CONCURRENT), not after them.
 */
@Execution(ExecutionMode.CONCURRENT)
class LoadStressIT {

    @Test
    void loadThenTheBudgetHoldsInEveryRollingFiveMinutes() throws Exception {
        LoadCampaign.Result result = LoadCampaign.run(LoadCampaign.Settings.fromProperties(LoadCampaignTest.SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
