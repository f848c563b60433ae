package com.clinic.tokenworker.config;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.ServerRoot;
import java.net.URI;

/** An enabled region: the app credentials and the server root. {@link #toString()} never shows the secret. */
public record RegionCredentials(Region region, String clientId, String clientSecret, URI baseUrl) {

    @Override
    public String toString() {
        return "RegionCredentials[region=" + region + ", clientId=" + clientId + ", clientSecret=<redacted>, baseUrl="
                + ServerRoot.printable(baseUrl) + "]";
    }
}
