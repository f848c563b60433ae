package com.clinic.tokenworker.simulator;

import java.util.Map;

/** What an endpoint decided to do with a request, before anything touches the socket. */
sealed interface HttpAnswer {

    record Reply(int status, byte[] body, Map<String, String> headers) implements HttpAnswer {
        Reply(int status, byte[] body) {
            this(status, body, Map.of());
        }
    }

    /** Close the connection without a status line: the client sees the connection die mid-request. */
    record Drop() implements HttpAnswer {
    }
}
