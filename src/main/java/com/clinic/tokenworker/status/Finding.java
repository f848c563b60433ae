package com.clinic.tokenworker.status;

/** One rule that fired, with a sentence for the person reading it. */
public record Finding(AttentionRule rule, String message) {
}
