package com.clinic.tokenworker.fullscript;

/** A response that is not what Fullscript documents. The message names fields only, never their values. */
class MalformedResponseException extends RuntimeException {

    MalformedResponseException(String message) {
        super(message);
    }
}
