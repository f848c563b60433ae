package com.clinic.tokenworker.fullscript;

import java.io.IOException;

/** The response body was not complete by the call's deadline; the rest of it is never read. */
class BodyDeadlineException extends IOException {

    BodyDeadlineException() {
        super("response body not complete by the deadline");
    }
}
