package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.support.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyProfileTest {

    @Test
    void unevenWhenOneInTenThenEveryTenthRequestIsSlow() {
        LatencyProfile profile = LatencyProfile.uneven(Duration.ofMillis(200), 10, Duration.ofSeconds(2));

        List<Duration> delays = LongStream.rangeClosed(1, 20).mapToObj(profile::delayOf).toList();

        assertThat(delays.stream().filter(Duration.ofSeconds(2)::equals).count()).isEqualTo(2);
        assertThat(delays.get(9)).isEqualTo(Duration.ofSeconds(2));
        assertThat(delays.get(19)).isEqualTo(Duration.ofSeconds(2));
        assertThat(delays.get(0)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void meanWhenUnevenThenWeighsTheSlowShare() {
        LatencyProfile profile = LatencyProfile.uneven(Duration.ofMillis(200), 10, Duration.ofSeconds(2));

        assertThat(profile.mean()).isEqualTo(Duration.ofMillis(380));
        assertThat(LatencyProfile.fixed(Duration.ofMillis(400)).mean()).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void unevenWhenOneInIsZeroThenRejected() {
        assertThatThrownBy(() -> LatencyProfile.uneven(Duration.ZERO, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverWhenProfileSetThenOnlyEveryThirdTokenRequestWaitsTheSlowDelay() throws Exception {
        // given: no base delay and one request in three held for a second
        Duration slow = Duration.ofSeconds(1);
        try (FakeFullscriptServer server = FakeFullscriptServer.start(SimulatorOptions.defaults(),
                SettableClock.startingAt("2026-01-01T00:00:00Z"))) {
            server.setLatency(LatencyProfile.uneven(Duration.ZERO, 3, slow));
            OAuthTestClient client = new OAuthTestClient(server);

            // when: three exchanges, one after the other
            List<Duration> took = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String code = server.mintCode(REDIRECT_URI);
                long start = System.nanoTime();
                assertThat(client.exchange(code).statusCode()).isEqualTo(200);
                took.add(Duration.ofNanos(System.nanoTime() - start));
            }

            // then: the third waited at least the slow delay; the first two did not
            assertThat(took.get(2)).isGreaterThanOrEqualTo(slow);
            assertThat(took.get(0)).isLessThan(slow);
            assertThat(took.get(1)).isLessThan(slow);
        }
    }
}
