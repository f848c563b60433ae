package com.clinic.tokenworker.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The common figures of the receipt-to-token scenarios. */
final class ReceiptToToken {

    private ReceiptToToken() {
    }

    static ScenarioResult report(BenchContext bench, ScenarioResult result, String mode, List<WebTier.Done> done,
                                 List<Double> syncReference, Duration goal, String which) {
        List<Double> seconds = done.stream().filter(d -> d.status().equals("EXCHANGED"))
                .map(WebTier.Done::secondsToToken).toList();
        Map<String, Long> statuses = done.stream()
                .collect(Collectors.groupingBy(WebTier.Done::status, TreeMap::new, Collectors.counting()));
        bench.receiptToToken(mode, seconds);
        double p50 = Stats.percentile(seconds, 50);
        double p99 = Stats.percentile(seconds, 99);
        double max = Stats.max(seconds);
        double sync = Stats.median(syncReference);
        double headline = which.equals("p99") ? p99 : max;
        result.figure("p50 " + Stats.round(p50, 2) + " s, p99 " + Stats.round(p99, 2) + " s, max "
                + Stats.round(max, 2) + " s (" + seconds.size() + " codes)", headline, "s");
        result.reference("synchronous exchange in the callback: " + Stats.round(sync * 1000, 0)
                + " ms (median of " + syncReference.size() + ")", headline / sync);
        result.goal(which + " < " + goal.toMillis() / 1000.0 + " s", headline < goal.toMillis() / 1000.0);
        result.detail("codes by final status", statuses);
        result.detail("p90", Stats.round(Stats.percentile(seconds, 90), 2) + " s");
        result.detail("ratio", which + " / synchronous round trip");
        if (seconds.isEmpty()) {
            result.figure = null;
            result.error = "no code was exchanged";
        }
        return result;
    }
}
