package com.clinic.tokenworker.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short version of campaign 1 in the plain {@code mvn verify}: one round, two worker processes, one kill. The
 * long one (20 seeded rounds, three processes) is KillStressIT under {@code -Pstress}; see docs/reliability.md.
 */
class KillCampaignTest {

    static final KillCampaign.Settings SHORT = new KillCampaign.Settings(StressSettings.DEFAULT_SEED, 1, 2, 60, 6,
            Duration.ofSeconds(1));

    @Test
    void killWhenAWorkerDiesMidRunThenNothingIsSentTwiceEarlyAndEveryRowEndsFinalOrSaysWhatWasLost() throws Exception {
        KillCampaign.Result result = KillCampaign.run(KillCampaign.Settings.fromProperties(SHORT));
        assertThat(result.problems()).as(result.figures()).isEmpty();
    }
}
