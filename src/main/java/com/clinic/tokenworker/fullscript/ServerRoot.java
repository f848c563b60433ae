package com.clinic.tokenworker.fullscript;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A region's server root as configured (FULLSCRIPT_*_BASE_URL), which may carry a path (a gateway that serves
 * Fullscript under {@code /fullscript}) and, by mistake, user-info. {@code URI.resolve("/api/...")} would drop the
 * path; user-info is a password in all but name, so it is neither sent nor shown.
 */
public final class ServerRoot {

    private ServerRoot() {
    }

    /** {@code root} + {@code path}, keeping the root's own path, without user-info, query or fragment. */
    public static URI endpoint(URI root, String path) {
        String rootPath = root.getPath() == null ? "" : root.getPath().replaceAll("/+$", "");
        try {
            return new URI(root.getScheme(), null, root.getHost(), root.getPort(), rootPath + path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server root is not a valid URI");
        }
    }

    /** The root as it may appear in a log line or message: user-info, query and fragment left out. */
    public static String printable(URI root) {
        return endpoint(root, "").toString();
    }
}
