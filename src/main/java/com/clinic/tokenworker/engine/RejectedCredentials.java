package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.fullscript.Region;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The regions whose client credentials Fullscript refused during one job execution, with the X-Request-Id of the
 * refusal. Kept in the job's execution context, so every later step holds the same regions back and the job's
 * end can say which ones failed; read and added to by the call threads while a step runs.
 */
public final class RejectedCredentials {

    /** The exit code of a step, and of the execution, in which Fullscript refused a region's credentials. */
    public static final String EXIT_CODE = "CREDENTIALS_REJECTED";
    static final String KEY = "credentials.rejected";

    private final Map<Region, String> regions = new ConcurrentHashMap<>();

    private RejectedCredentials() {
    }

    /** What earlier steps of this execution recorded in the job's execution context. */
    public static RejectedCredentials of(ExecutionContext jobContext) {
        RejectedCredentials rejected = new RejectedCredentials();
        String stored = jobContext.containsKey(KEY) ? jobContext.getString(KEY) : "";
        for (String entry : stored.split(";")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                Region.fromCode(entry.substring(0, equals))
                        .ifPresent(region -> rejected.regions.put(region, entry.substring(equals + 1)));
            }
        }
        return rejected;
    }

    /** @return true when the region was not yet known as rejected */
    public boolean add(Region region, Optional<String> requestId) {
        return regions.putIfAbsent(region, requestId.orElse("")) == null;
    }

    /** The region codes, as a claim leaves them out. */
    public Set<String> codes() {
        return regions.keySet().stream().map(Region::code).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isEmpty() {
        return regions.isEmpty();
    }

    /** Each rejected region with the X-Request-Id of its refusal, in region order. */
    public Map<Region, Optional<String>> asMap() {
        Map<Region, Optional<String>> ordered = new LinkedHashMap<>();
        for (Region region : Region.values()) {
            String requestId = regions.get(region);
            if (requestId != null) {
                ordered.put(region, requestId.isEmpty() ? Optional.empty() : Optional.of(requestId));
            }
        }
        return Collections.unmodifiableMap(ordered);
    }

    public void saveTo(ExecutionContext jobContext) {
        if (!regions.isEmpty()) {
            jobContext.putString(KEY, asMap().entrySet().stream()
                    .map(e -> e.getKey().code() + "=" + e.getValue().orElse(""))
                    .collect(Collectors.joining(";")));
        }
    }
}
