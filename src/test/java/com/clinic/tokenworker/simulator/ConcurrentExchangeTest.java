package com.clinic.tokenworker.simulator;

import static com.clinic.tokenworker.simulator.OAuthTestClient.REDIRECT_URI;
import static com.clinic.tokenworker.simulator.OAuthTestClient.oauth;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrentExchangeTest {

    @Test
    void twoHundredCodesFromSixteenThreadsAreEachExchangedExactlyOnce() throws Exception {
        SettableClock clock = SettableClock.startingAt("2024-03-01T08:00:00Z");
        try (FakeFullscriptServer server = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            OAuthTestClient client = new OAuthTestClient(server);
            ConcurrentLinkedQueue<String> codes = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 200; i++) {
                codes.add(server.mintCode(REDIRECT_URI));
            }
            List<String> allCodes = List.copyOf(codes);
            Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Integer> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    workers.add(pool.submit(() -> {
                        go.await();
                        for (String code = codes.poll(); code != null; code = codes.poll()) {
                            HttpResponse<String> response = client.exchange(code);
                            if (response.statusCode() == 200) {
                                refreshTokens.add(oauth(response).get("refresh_token").stringValue());
                            } else {
                                failures.add(response.statusCode());
                            }
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> worker : workers) {
                    worker.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(failures).isEmpty();
            assertThat(refreshTokens).hasSize(200);
            assertThat(server.codesSentMoreThanOnce()).isEmpty();
            assertThat(allCodes).allSatisfy(code -> assertThat(server.timesCodeSent(code)).isEqualTo(1));
            assertThat(server.tokenRequestCount()).isEqualTo(200);
            assertThat(server.stats().activeGrants()).isEqualTo(200);
        }
    }
}
