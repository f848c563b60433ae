package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.config.RegionCredentials;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides what to do with one claimed code and, when it is worth it, makes the one call to Fullscript. It writes
 * nothing: the {@link ExchangeOutcome} is recorded by {@link ExchangeOutcomeRecorder}.
 */
@Component
public class CodeExchanger {

    /**
     * Starts the reason of a call that got no answer in time: it may have reached Fullscript and used the code,
     * so a later reason must not say the code was simply not exchanged (PendingCodeRepository reads it).
     */
    public static final String OUTCOME_UNKNOWN = "outcome unknown";
    /** How FullscriptClient says a call got no (complete) answer within the request timeout. */
    private static final List<String> TIMED_OUT = List.of("no complete response within",
            "timed out after");

    private final FullscriptClient client;
    private final TokenWorkerProperties properties;
    private final Clock clock;

    public CodeExchanger(FullscriptClient client, TokenWorkerProperties properties, Clock clock) {
        this.client = client;
        this.properties = properties;
        this.clock = clock;
    }

    public ExchangeOutcome exchange(ClaimedCode claimed) {
        Optional<Region> region = Region.fromCode(claimed.region());
        if (region.isEmpty()) {
            return new ExchangeOutcome.Failed("unknown region '" + printable(claimed.region())
                    + "': expected us or ca", Optional.empty());
        }
        Optional<RegionCredentials> credentials = properties.credentials(region.get());
        if (credentials.isEmpty()) {
            String prefix = region.get().variablePrefix();
            return new ExchangeOutcome.Failed("region " + region.get().code() + " is disabled: set " + prefix
                    + "CLIENT_ID and " + prefix + "CLIENT_SECRET", Optional.empty());
        }
        if (claimed.redirectUri() == null || claimed.redirectUri().isBlank()) {
            return new ExchangeOutcome.Failed("redirect_uri is empty", Optional.empty());
        }
        Instant now = clock.instant();
        if (!now.isBefore(claimed.deadline())) {
            return new ExchangeOutcome.Expired("not exchanged before its 10-minute deadline after "
                    + (claimed.attempts() - 1) + " attempt(s)");
        }
        // The call must end before the lease can pass to another worker, or the code could be sent twice.
        if (!properties.callFitsInLease(now, claimed.leaseUntil())) {
            return new ExchangeOutcome.Released("lease too short for another call");
        }
        TokenEndpointResult result = client.exchangeCode(credentials.get(), claimed.code(), claimed.redirectUri());
        return interpret(claimed, region.get(), result);
    }

    private ExchangeOutcome interpret(ClaimedCode claimed, Region region, TokenEndpointResult result) {
        Instant now = clock.instant();
        if (result instanceof TokenEndpointResult.Granted granted) {
            if (granted.grant().refreshToken().isEmpty()) {
                // The code is used now, and a token that cannot be refreshed dies within two hours anyway.
                return new ExchangeOutcome.Failed("Fullscript granted a token without a refresh_token, which cannot "
                        + "be kept fresh: the user must authorize again" + RequestIdSuffix.of(granted.requestId()),
                        granted.requestId());
            }
            return new ExchangeOutcome.Exchanged(region, granted.grant(), granted.requestId());
        }
        if (result instanceof TokenEndpointResult.Rejected rejected) {
            return new ExchangeOutcome.Failed(rejectionReason(claimed, rejected), rejected.requestId());
        }
        if (result instanceof TokenEndpointResult.ClientRejected refused) {
            return new ExchangeOutcome.CredentialsRejected(region, refused.requestId());
        }
        if (result instanceof TokenEndpointResult.RateLimited limited) {
            return retryOrExpire(claimed, now, limited.reason(), limited.requestId(), Optional.of(limited.pause()),
                    Optional.of(now.plus(limited.pause())));
        }
        if (result instanceof TokenEndpointResult.Unavailable unavailable) {
            String reason = TIMED_OUT.stream().anyMatch(unavailable.reason()::startsWith)
                    ? OUTCOME_UNKNOWN + " (Fullscript may have used the code): " + unavailable.reason()
                    : unavailable.reason();
            return retryOrExpire(claimed, now, reason, unavailable.requestId(), Optional.empty(), Optional.empty());
        }
        throw new IllegalStateException("the token endpoint answered like the revoke endpoint");
    }

    private ExchangeOutcome retryOrExpire(ClaimedCode claimed, Instant now, String reason, Optional<String> requestId,
                                          Optional<Duration> requestedDelay, Optional<Instant> pauseAll) {
        return RetryPolicy.nextAttempt(now, claimed.attempts(), claimed.deadline(), requestedDelay)
                .<ExchangeOutcome>map(at -> new ExchangeOutcome.RetryLater(at, reason, requestId, pauseAll))
                .orElseGet(() -> new ExchangeOutcome.Expired(reason.startsWith(OUTCOME_UNKNOWN)
                        ? OUTCOME_UNKNOWN + ": attempt " + claimed.attempts() + " got no answer in time, so "
                        + "Fullscript may have used the code, and its deadline passed before another attempt: the user"
                        + " must authorize again; last error: " + reason + RequestIdSuffix.of(requestId)
                        : "deadline passed after " + claimed.attempts() + " attempt(s); last error: " + reason
                        + RequestIdSuffix.of(requestId)));
    }

    /**
     * invalid_grant on a retry usually means our earlier call did reach Fullscript and used the code, but its
     * answer was lost: the user has to authorize again, and the reason says so.
     */
    private static String rejectionReason(ClaimedCode claimed, TokenEndpointResult.Rejected rejected) {
        String base = "rejected by Fullscript: HTTP " + rejected.status() + " " + rejected.error()
                + (rejected.description().isEmpty() ? "" : " (" + rejected.description() + ")");
        if (rejected.isInvalidGrant() && claimed.attempts() > 1) {
            base += "; an earlier attempt's response was lost, so the code was probably used by it:"
                    + " the user must authorize again";
        }
        return base + RequestIdSuffix.of(rejected.requestId());
    }

    private static String printable(String value) {
        String cleaned = value == null ? "" : value.replaceAll("[^\\p{Print}]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }
}
