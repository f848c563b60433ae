package com.clinic.tokenworker.schedule;

/** The PostgreSQL notification channels of migration V10 (docs/notifications.md). */
public enum NotificationChannel {
    /** A new PENDING code, or a token set to REVOKE_REQUESTED; payload {@code {"kind" : "code"|"revoke"}}. */
    WORK("tokenworker_work"),
    /** For the web tier: a code became EXCHANGED, FAILED or EXPIRED; payload {@code {"id" : 42, "status" : "..."}}. */
    CODE_FINAL("oauth_code_final");

    private final String channel;

    NotificationChannel(String channel) {
        this.channel = channel;
    }

    public String channel() {
        return channel;
    }
}
