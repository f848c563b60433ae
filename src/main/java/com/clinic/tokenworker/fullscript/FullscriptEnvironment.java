package com.clinic.tokenworker.fullscript;

import java.net.URI;
import java.util.Map;

/** Sandbox or production: picks the default server root of each region. */
public enum FullscriptEnvironment {
    SANDBOX(Map.of(
            Region.US, URI.create("https://api-us-snd.fullscript.io"),
            Region.CA, URI.create("https://api-ca-snd.fullscript.io"))),
    PRODUCTION(Map.of(
            Region.US, URI.create("https://api-us.fullscript.com"),
            Region.CA, URI.create("https://api-ca.fullscript.com")));

    private final Map<Region, URI> defaultRoots;

    FullscriptEnvironment(Map<Region, URI> defaultRoots) {
        this.defaultRoots = defaultRoots;
    }

    public URI defaultRoot(Region region) {
        return defaultRoots.get(region);
    }
}
