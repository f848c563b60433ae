package com.clinic.tokenworker.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Turns a {@link Fault} into what the client receives. */
final class FaultEffects {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Responses responses;

    FaultEffects(Responses responses) {
        this.responses = responses;
    }

    /** For {@link Fault.Timing#INSTEAD_OF_PROCESSING}: the answer, without touching the grant state. */
    HttpAnswer insteadOfProcessing(Fault fault) {
        if (fault instanceof Fault.RateLimited rateLimited) {
            HttpAnswer.Reply body = responses.status(429, "Too Many Requests");
            if (rateLimited.retryAfter() == null) {
                return body;
            }
            // Retry-After in whole seconds, rounded up so a client never retries early.
            long seconds = (rateLimited.retryAfter().toMillis() + 999) / 1000;
            return new HttpAnswer.Reply(429, body.body(), Map.of("Retry-After", String.valueOf(seconds)));
        }
        if (fault instanceof Fault.ServerError serverError) {
            return responses.status(serverError.status(), "Internal Server Error");
        }
        if (fault instanceof Fault.ConnectionReset) {
            return new HttpAnswer.Drop();
        }
        if (fault instanceof Fault.InvalidGrant) {
            return responses.error(OAuthError.INVALID_GRANT,
                    "The provided authorization grant is invalid, expired, revoked, does not match the redirection "
                            + "URI used in the authorization request, or was issued to another client.");
        }
        throw new IllegalArgumentException("not an instead-of-processing fault: " + fault.kind());
    }

    /** For {@link Fault.Timing#AFTER_PROCESSING}: damages or delays the real answer. May sleep. */
    HttpAnswer afterProcessing(Fault fault, HttpAnswer.Reply real) {
        if (fault instanceof Fault.LostResponse) {
            return new HttpAnswer.Drop();
        }
        if (fault instanceof Fault.GarbageBody) {
            byte[] truncated = Arrays.copyOf(real.body(), Math.max(1, real.body().length / 2));
            return new HttpAnswer.Reply(200, truncated, real.headers());
        }
        if (fault instanceof Fault.OversizedBody oversized) {
            return new HttpAnswer.Reply(200, oversizedBody(oversized.bytes()), real.headers());
        }
        if (fault instanceof Fault.Trickle trickle) {
            return new HttpAnswer.Trickled(real, trickle.bytesPerWrite(), trickle.pause());
        }
        if (fault instanceof Fault.AlteredField altered) {
            return altered(real, altered);
        }
        if (fault instanceof Fault.Slow slow) {
            Pause.of(slow.delay());
            return real;
        }
        throw new IllegalArgumentException("not an after-processing fault: " + fault.kind());
    }

    /** Only a 200 token answer has an {@code oauth} object to alter; an error answer goes out as it is. */
    private static HttpAnswer altered(HttpAnswer.Reply real, Fault.AlteredField altered) {
        if (real.status() != 200) {
            return real;
        }
        JsonNode root = MAPPER.readTree(real.body());
        if (!(root.path("oauth") instanceof ObjectNode oauth)) {
            return real;
        }
        if (altered.replacement() == null) {
            oauth.remove(altered.field());
        } else {
            oauth.put(altered.field(), altered.replacement());
        }
        return new HttpAnswer.Reply(200, MAPPER.writeValueAsBytes(root), real.headers());
    }

    private static byte[] oversizedBody(int bytes) {
        byte[] prefix = "{\"oauth\":{\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        return body;
    }
}
