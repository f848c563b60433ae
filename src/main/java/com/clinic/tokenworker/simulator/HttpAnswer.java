package com.clinic.tokenworker.simulator;

import java.util.Map;

/** What an endpoint decided to do with a request, before anything touches the socket. */
sealed interface HttpAnswer {

    record Reply(int status, byte[] body, Map<String, String> headers) implements HttpAnswer {
        Reply(int status, byte[] body) {
            this(status, body, Map.of());
        }
    }

    /** The reply, its body written {@code bytesPerWrite} bytes at a time with {@code pause} between writes. */
    record Trickled(Reply reply, int bytesPerWrite, java.time.Duration pause) implements HttpAnswer {
    }

    /** Close the connection without a status line: the client sees the connection die mid-request. */
    record Drop() implements HttpAnswer {
    }
}
