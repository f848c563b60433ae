package com.clinic.tokenworker.schedule;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.UUID;

/**
 * Names this process in leases and job parameters: host (the pod name on Kubernetes), pid and a random suffix,
 * so two processes never share an identity even when a pod restarts with the same name and pid.
 */
public record WorkerIdentity(String id) {

    public static WorkerIdentity forThisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        String id = host + "/" + pid + "/" + UUID.randomUUID().toString().substring(0, 8);
        return new WorkerIdentity(id.length() > 100 ? id.substring(id.length() - 100) : id);
    }
}
