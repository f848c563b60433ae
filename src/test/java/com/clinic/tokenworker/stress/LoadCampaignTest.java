package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Campaign 4 in the plain {@code mvn verify}: two processes, a thousand codes, a budget of 60 for 15 seconds (the
 * whole run inside one window). LoadStressIT under {@code -Pstress}: five processes, 20,000 codes, a run longer
 * than the window.
 */
class LoadCampaignTest {

    static final LoadCampaign.Settings SHORT = new LoadCampaign.Settings(2, 1000, 60, Duration.ofSeconds(15));

    @Test
    void loadWhenABacklogMeetsASmallBudgetThenNoFiveMinutesEverSeeMoreRequestsThanTheBudget() throws Exception {
        LoadCampaign.Result result = LoadCampaign.run(LoadCampaign.Settings.fromProperties(SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
