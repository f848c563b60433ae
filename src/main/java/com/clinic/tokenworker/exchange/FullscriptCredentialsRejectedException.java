package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import java.util.Optional;

/** Fullscript refused our client credentials: the job stops; the codes stay PENDING for a fixed configuration. */
public class FullscriptCredentialsRejectedException extends RuntimeException {

    private final Region region;

    public FullscriptCredentialsRejectedException(Region region, Optional<String> requestId) {
        this(region, requestId, "Unsent codes were left PENDING.");
    }

    /** @param consequence what became of the work in hand, e.g. which rows were left for a later run */
    public FullscriptCredentialsRejectedException(Region region, Optional<String> requestId, String consequence) {
        super("Fullscript rejected the client credentials of region " + region.code() + ": check "
                + region.variablePrefix() + "CLIENT_ID and " + region.variablePrefix() + "CLIENT_SECRET"
                + " (and FULLSCRIPT_ENVIRONMENT: sandbox and production apps differ)"
                + RequestIdSuffix.of(requestId) + ". " + consequence);
        this.region = region;
    }

    public Region region() {
        return region;
    }
}
