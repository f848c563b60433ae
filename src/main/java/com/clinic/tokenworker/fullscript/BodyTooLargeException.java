package com.clinic.tokenworker.fullscript;

import java.io.IOException;

/** A response body over the limit; the rest of it is never read. */
class BodyTooLargeException extends IOException {

    BodyTooLargeException(int limit) {
        super("response body larger than " + limit + " bytes");
    }
}
