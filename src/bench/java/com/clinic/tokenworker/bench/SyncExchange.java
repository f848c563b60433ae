package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference for receipt-to-token: what a synchronous exchange in the web tier's callback takes (one round
 * trip to the same fake at the same latency, measured now), which the asynchronous worker should come close to.
 */
final class SyncExchange {

    private SyncExchange() {
    }

    /** @return the seconds each of {@code count} sequential exchanges took */
    static List<Double> measure(FakeFullscriptServer fullscript, int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String code = fullscript.mintCode(WebTier.REDIRECT_URI);
            String body = "{\"grant_type\":\"authorization_code\",\"client_id\":\"" + fullscript.options().clientId()
                    + "\",\"client_secret\":\"" + fullscript.options().clientSecret() + "\",\"code\":\"" + code
                    + "\",\"redirect_uri\":\"" + WebTier.REDIRECT_URI + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(fullscript.baseUrl() + "/api/oauth/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            seconds.add((System.nanoTime() - start) / 1e9);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("reference exchange answered " + response.statusCode());
            }
        }
        return seconds;
    }
}
