package com.clinic.tokenworker.fullscript;

import java.util.Optional;

/**
 * Published (as a Spring application event) when Fullscript refuses a region's client credentials (401 or
 * {@code invalid_client}), whichever call found it: the work loop holds that region back, the credential check
 * records it for {@code status}. Carries no secret: the region and Fullscript's X-Request-Id only.
 */
public record RegionCredentialsRejected(Region region, Optional<String> requestId) {
}
