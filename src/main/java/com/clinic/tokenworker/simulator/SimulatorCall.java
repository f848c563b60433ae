package com.clinic.tokenworker.simulator;

import java.time.Instant;
import java.util.Optional;

/**
 * One request to the token or revoke endpoint as the fake server saw it, for tests that check what reached
 * "Fullscript" and when: a code sent again while an earlier request with it was still being served, a rotated
 * refresh token sent, the requests in any 5 minutes.
 *
 * @param code           the code it carried, or null
 * @param refreshToken   the refresh token it carried, or null
 * @param rotatedAlready the refresh token had already been rotated away when the request arrived
 * @param decided        when the grant state decided the request (code used or refused, token rotated or refused,
 *                       or a fault answered instead): until then an earlier request could still succeed
 * @param answered       when the answer was written (or the connection dropped); empty while being served
 * @param status         the HTTP status written, {@link #DROPPED} or {@link #CONNECTION_FAILED}
 * @param granted        the grant state changed: the code was used, or the refresh token rotated
 */
public record SimulatorCall(Endpoint endpoint, String code, String refreshToken, boolean rotatedAlready,
                            Instant arrived, Optional<Instant> decided, Optional<Instant> answered, int status, boolean granted) {

    /** Closed without a status line, on purpose (a fault). */
    public static final int DROPPED = 0;
    /** The answer could not be written: the client had gone (a killed worker, a timeout). */
    public static final int CONNECTION_FAILED = -1;

    public enum Endpoint { TOKEN, REVOKE }

    /** Served and answered with a status the client could read (if it was still there). */
    public boolean answeredWithStatus() {
        return answered.isPresent() && status > 0;
    }
}
