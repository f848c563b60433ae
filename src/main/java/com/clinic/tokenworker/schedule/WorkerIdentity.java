package com.clinic.tokenworker.schedule;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Names this process in leases and job parameters: host (the pod name on Kubernetes), pid and a random suffix,
 * so two processes never share an identity even when a pod restarts with the same name and pid.
 *
 * <p>The id ends with {@value #LIVENESS_MARK}: this process holds a session-level advisory lock keyed on its id
 * for as long as it lives ({@link LivenessLock}). An execution launched under such an id is dead as soon as that
 * lock is free; one launched by a process without the mark (a version before the lock) can only be judged by its
 * heartbeat ({@link StaleExecutionRecovery}).
 */
public record WorkerIdentity(String id) {

    static final String LIVENESS_MARK = "/lock";
    private static final int MAX_LENGTH = 100;

    public static WorkerIdentity forThisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        String id = host + "/" + pid + "/" + UUID.randomUUID().toString().substring(0, 8) + LIVENESS_MARK;
        return new WorkerIdentity(id.length() > MAX_LENGTH ? id.substring(id.length() - MAX_LENGTH) : id);
    }

    /** The advisory lock this process holds while alive. */
    public long livenessLockKey() {
        return keyOf(id);
    }

    /** The advisory lock held by the process that launched with {@code launchedBy}, if that process holds one. */
    static OptionalLong livenessLockKeyOf(String launchedBy) {
        if (launchedBy == null || !launchedBy.endsWith(LIVENESS_MARK)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(keyOf(launchedBy));
    }

    /** 64 bits of a hash: a collision would only make a dead process look alive, never the reverse. */
    private static long keyOf(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("tokenworker-liveness:" + id).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
