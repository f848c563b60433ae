package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.config.RegionCredentials;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.fullscript.RegionCredentialsRejected;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps every refusal of a region's credentials for {@code status}, whichever call met it: the credential check
 * or a call of the work loop. In its own transaction, so it stays even if the caller's is rolled back.
 */
@Component
public class RejectedCredentialsRecorder {

    static final String DETAIL = "Fullscript refused the client credentials (HTTP 401 or invalid_client)";
    private static final Logger log = LoggerFactory.getLogger(RejectedCredentialsRecorder.class);

    private final CredentialCheckRepository checks;
    private final TransactionTemplate ownTransaction;
    private final TokenWorkerProperties properties;
    private final WorkerIdentity worker;
    private final Clock clock;

    public RejectedCredentialsRecorder(CredentialCheckRepository checks, TransactionTemplate ownTransaction,
                                       TokenWorkerProperties properties, WorkerIdentity worker, Clock clock) {
        this.checks = checks;
        this.ownTransaction = ownTransaction;
        this.properties = properties;
        this.worker = worker;
        this.clock = clock;
    }

    @EventListener
    public void onRejected(RegionCredentialsRejected event) {
        RegionCredentials credentials = properties.enabledRegions().get(event.region());
        String credentialsId = credentials == null ? "unknown" : CredentialsFingerprint.of(credentials);
        try {
            ownTransaction.executeWithoutResult(tx -> checks.recordRejected(event.region(), credentialsId, DETAIL,
                    event.requestId().orElse(null), clock.instant(), worker.id()));
        } catch (DataAccessException e) {
            // The refusal itself is handled by the caller; only status's record of it is lost, until the next check.
            log.warn("could not record that the {} credentials were refused: {}", event.region().code(),
                    e.getClass().getSimpleName());
        }
    }
}
