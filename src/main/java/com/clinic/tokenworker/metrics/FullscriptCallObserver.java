package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import java.time.Duration;

/**
 * Told about every call the Fullscript client made, once it has its classified result. Called on the call
 * thread, so an implementation must be quick and must never throw.
 */
@FunctionalInterface
public interface FullscriptCallObserver {

    FullscriptCallObserver NONE = (kind, region, result, latency) -> { };

    void called(CallKind kind, Region region, TokenEndpointResult result, Duration latency);
}
