package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short version of campaign 2 in the plain {@code mvn verify}: fewer codes, no long outage.
 * OutageStressIT runs it at full size under {@code -Pstress}.
 */
class OutageCampaignTest {

    static final OutageCampaign.Settings SHORT = new OutageCampaign.Settings(60, Duration.ofSeconds(3),
            Duration.ZERO);

    @Test
    void outageWhenConnectionsAreKilledOrTheServerRestartsThenEveryGrantIsStoredOrReportedLost() throws Exception {
        OutageCampaign.Result result = OutageCampaign.run(OutageCampaign.Settings.fromProperties(SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
