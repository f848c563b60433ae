package com.clinic.tokenworker.fullscript;

import java.util.Arrays;
import java.util.Optional;

/**
 * 4xx answers without an OAuth error that still say the request itself can never succeed: its size or form was
 * refused, so sending the same bytes again only burns budget until the code expires. They end the call at once.
 * Every other non-OAuth 4xx (404 above all) stays transient: a wrong server root or a proxy answers those, and a
 * configuration mistake must not burn the codes waiting behind it.
 */
enum PermanentRefusal {
    PAYLOAD_TOO_LARGE(413, "payload_too_large", "the request body was refused as too large"),
    URI_TOO_LONG(414, "uri_too_long", "the request line was refused as too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "the JSON request body was refused"),
    UNPROCESSABLE_CONTENT(422, "unprocessable_content", "the request parameters were refused"),
    HEADERS_TOO_LARGE(431, "request_header_fields_too_large", "the request headers were refused as too large");

    private final int status;
    private final String error;
    private final String description;

    PermanentRefusal(int status, String error, String description) {
        this.status = status;
        this.error = error;
        this.description = description;
    }

    static Optional<PermanentRefusal> of(int status) {
        return Arrays.stream(values()).filter(r -> r.status == status).findFirst();
    }

    /** Stands in for the OAuth error code Fullscript did not send; lower case, like the OAuth ones. */
    String error() {
        return error;
    }

    String description() {
        return description;
    }
}
