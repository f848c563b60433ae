package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.RegionCredentials;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.engine.RejectedCredentials;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RegionCredentialsRejected;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code verifyCredentials} step, first in {@code tokenMaintenanceJob}. For each enabled region whose last
 * check is older than TOKENWORKER_CREDENTIAL_CHECK_INTERVAL (or was made with other credentials), one exchange of
 * a code that cannot exist: invalid_grant means the client was authenticated, invalid_client or 401 that it was
 * refused. The answer goes to {@code oauth_credential_check} for {@code status}. A refused region is held back
 * for the rest of the execution ({@link RejectedCredentials}), which then ends with the credentials exit code;
 * the other region, and the steps after this one, go on.
 *
 * <p>Also records the encryption key ids this worker holds ({@link EncryptionKeyRegistry}), for the same reason:
 * {@code status} runs without secrets and must still name what a worker cannot do.
 *
 * <p>WRITE_COUNT = regions checked; the exit description lists each region's outcome or why it was not checked.
 */
public class VerifyCredentialsTasklet implements Tasklet, StepExecutionListener {

    /** A reserved TLD: the redirect_uri can never match a registered one, and nothing is ever sent there. */
    static final String DUMMY_REDIRECT_URI = "https://tokenworker-credential-check.invalid/callback";
    static final String DUMMY_CODE_PREFIX = "tokenworker-credential-check-";
    private static final String SUMMARY_PREFIX = "credentials.";
    private static final String HELD_BACK = "its work is held back for this execution";
    private static final Logger log = LoggerFactory.getLogger(VerifyCredentialsTasklet.class);

    private final FullscriptClient client;
    private final CredentialCheckRepository checks;
    private final EncryptionKeyRegistry keys;
    private final TokenCipher cipher;
    private final RequestBudget budget;
    private final ThrottleGate throttle;
    private final TransactionTemplate ownTransaction;
    private final ApplicationEventPublisher events;
    private final TokenWorkerProperties properties;
    private final WorkerIdentity worker;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public VerifyCredentialsTasklet(FullscriptClient client, CredentialCheckRepository checks,
                                    EncryptionKeyRegistry keys, TokenCipher cipher, RequestBudget budget,
                                    ThrottleGate throttle, TransactionTemplate ownTransaction,
                                    ApplicationEventPublisher events, TokenWorkerProperties properties,
                                    WorkerIdentity worker, Clock clock) {
        this.client = client;
        this.checks = checks;
        this.keys = keys;
        this.cipher = cipher;
        this.budget = budget;
        this.throttle = throttle;
        this.ownTransaction = ownTransaction;
        this.events = events;
        this.properties = properties;
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        ownTransaction.executeWithoutResult(tx -> keys.record(cipher.currentKeyId(), cipher.keyIds(),
                clock.instant(), worker.id()));
        ExecutionContext jobContext = contribution.getStepExecution().getJobExecution().getExecutionContext();
        RejectedCredentials rejected = RejectedCredentials.of(jobContext);
        for (Map.Entry<Region, RegionCredentials> region : new TreeMap<>(properties.enabledRegions()).entrySet()) {
            String said = check(region.getKey(), region.getValue(), rejected);
            context.putString(SUMMARY_PREFIX + region.getKey().code(), said);
            if (said.startsWith("checked")) {
                contribution.incrementWriteCount(1);
            }
        }
        rejected.saveTo(jobContext);
        return RepeatStatus.FINISHED;
    }

    private String notDue(Region region, String credentialsId, RejectedCredentials rejected) {
        return "not checked: checked within " + properties.credentialCheckInterval()
                + heldBackIfRefused(region, credentialsId, rejected);
    }

    /**
     * One region's check. Refused credentials, whether refused now or by a check of the same credentials that is
     * not due again yet, are held back for the rest of the execution: every later step leaves the region out
     * instead of spending a request to be refused again, and the execution ends with the credentials exit code.
     * The job's end logs the refusal, once, with what to fix.
     */
    private String check(Region region, RegionCredentials credentials, RejectedCredentials rejected) {
        Instant now = clock.instant();
        String credentialsId = CredentialsFingerprint.of(credentials);
        if (throttle.pausedUntil(now).isPresent()) {
            return "not checked: Fullscript asked all workers to pause (429)" + heldBackIfRefused(region,
                    credentialsId, rejected);
        }
        if (checks.notDue(region, credentialsId, now)) {
            // What the claim below would answer, without a permit taken and given back (and without loading the
            // budget's machinery in a run that has nothing else to send). Should another worker give the check
            // back meanwhile, this run read just before it did; the next run sends it.
            return notDue(region, credentialsId, rejected);
        }
        if (budget.acquireForRefreshes(1) == 0) {
            return "not checked: no request left in the budget" + heldBackIfRefused(region, credentialsId, rejected);
        }
        Boolean claimed = ownTransaction.execute(tx -> checks.claim(region, credentialsId, now,
                now.plus(properties.credentialCheckInterval())));
        if (!Boolean.TRUE.equals(claimed)) {
            budget.giveBack(1);
            return notDue(region, credentialsId, rejected);
        }
        CredentialCheckResult result = CredentialCheckResult.of(
                client.exchangeCode(credentials, dummyCode(), DUMMY_REDIRECT_URI));
        if (result.outcome() == CredentialCheckOutcome.REJECTED) {
            rejected.add(region, result.requestId());
            events.publishEvent(new RegionCredentialsRejected(region, result.requestId()));
            return "checked: REJECTED" + RequestIdSuffix.of(result.requestId()) + "; " + HELD_BACK;
        }
        ownTransaction.executeWithoutResult(tx -> checks.record(region, result, clock.instant(), worker.id()));
        if (result.outcome() != CredentialCheckOutcome.ACCEPTED) {
            log.warn("{} credentials could not be verified: {}", region.code(), result.detail());
        }
        return "checked: " + result.outcome();
    }

    private String heldBackIfRefused(Region region, String credentialsId, RejectedCredentials rejected) {
        Optional<CredentialCheckRepository.KnownRefusal> refusal = checks.knownRefusal(region, credentialsId);
        if (refusal.isEmpty()) {
            return "";
        }
        rejected.add(region, refusal.get().requestId());
        return "; these credentials were refused at " + refusal.get().refusedAt()
                + RequestIdSuffix.of(refusal.get().requestId()) + " and are checked again from "
                + refusal.get().nextCheckAt() + "; " + HELD_BACK;
    }

    /** Well formed, and unlike any code Fullscript issues, so it can only ever be refused. */
    private String dummyCode() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return DUMMY_CODE_PREFIX + HexFormat.of().formatHex(bytes);
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        StringBuilder summary = new StringBuilder();
        stepExecution.getExecutionContext().entrySet().stream()
                .filter(e -> e.getKey().startsWith(SUMMARY_PREFIX))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> summary.append(summary.isEmpty() ? "" : "; ")
                        .append(e.getKey().substring(SUMMARY_PREFIX.length())).append(' ').append(e.getValue()));
        log.info("verifyCredentials: {}", summary);
        ExitStatus exit = stepExecution.getExitStatus().addExitDescription(summary.toString());
        boolean heldBack = !RejectedCredentials.of(stepExecution.getJobExecution().getExecutionContext()).isEmpty();
        return heldBack && ExitStatus.COMPLETED.getExitCode().equals(exit.getExitCode())
                ? exit.replaceExitCode(RejectedCredentials.EXIT_CODE) : exit;
    }
}
