package com.clinic.tokenworker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CronJob as shipped in k8s/base: its schedule and the worker's arguments from cronjob.yaml, its settings
 * from configmap.yaml. Read at every run, so the benchmark follows whatever the manifests say.
 */
record ShippedCronJob(String schedule, Duration period, String concurrencyPolicy, List<String> args,
                      Duration window, Map<String, String> settings) {

    private static final Pattern EVERY_N_MINUTES = Pattern.compile("^\\*/(\\d+) \\* \\* \\* \\*$");
    private static final Pattern EVERY_MINUTE = Pattern.compile("^\\* \\* \\* \\* \\*$");

    static ShippedCronJob read(Path basedir) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode cronJob = yaml.readTree(Files.readString(basedir.resolve("k8s/base/cronjob.yaml")));
        String schedule = cronJob.at("/spec/schedule").asText();
        // Kubernetes' default when the manifest says nothing.
        String policy = cronJob.at("/spec/concurrencyPolicy").asText("Allow");
        JsonNode container = cronJob.at("/spec/jobTemplate/spec/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        Duration window = args.stream().filter(a -> a.startsWith("--window=")).findFirst()
                .map(a -> Duration.parse(a.substring("--window=".length())))
                .orElseThrow(() -> new IllegalStateException("the CronJob's args " + args + " have no --window"));
        JsonNode configMap = yaml.readTree(Files.readString(basedir.resolve("k8s/base/configmap.yaml")));
        Map<String, String> settings = new LinkedHashMap<>();
        configMap.path("data").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
        return new ShippedCronJob(schedule, period(schedule), policy.isBlank() ? "Allow" : policy,
                List.copyOf(args), window, settings);
    }

    private static Duration period(String schedule) {
        Matcher n = EVERY_N_MINUTES.matcher(schedule.trim());
        if (n.matches()) {
            return Duration.ofMinutes(Integer.parseInt(n.group(1)));
        }
        if (EVERY_MINUTE.matcher(schedule.trim()).matches()) {
            return Duration.ofMinutes(1);
        }
        throw new IllegalStateException("the benchmark only simulates `*/N * * * *` and `* * * * *` schedules, "
                + "not `" + schedule + "`");
    }

    /** Period - window: positive, a gap between two windows; negative, two windows overlap by that much. */
    Duration periodMinusWindow() {
        return period.minus(window);
    }

    /** Forbid: the next pod waits for the previous one to exit. */
    boolean forbidsOverlap() {
        return "Forbid".equals(concurrencyPolicy);
    }

    /** The args with the window replaced. */
    List<String> argsWithWindow(Duration shortened) {
        return args.stream().map(a -> a.startsWith("--window=") ? "--window=" + shortened : a).toList();
    }
}
