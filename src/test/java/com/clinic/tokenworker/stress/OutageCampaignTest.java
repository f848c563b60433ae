package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short version of campaign 2 in the plain {@code mvn verify}: pg_terminate_backend only (the
 * server's stop and restart, about a minute more, is left to -Pstress; GrantKeptThroughDatabaseOutageTest holds the
 * loss path here).
 * OutageStressIT runs it at full size under {@code -Pstress}.
 */
class OutageCampaignTest {

    static final OutageCampaign.Settings SHORT = new OutageCampaign.Settings(60, Duration.ZERO,
            Duration.ZERO);

    @Test
    void outageWhenConnectionsAreKilledOrTheServerRestartsThenEveryGrantIsStoredOrReportedLost() throws Exception {
        OutageCampaign.Result result = OutageCampaign.run(OutageCampaign.Settings.fromProperties(SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
