package com.clinic.tokenworker.fullscript;

/** A Fullscript user as our rows know it: {@code resource_owner_type} and {@code resource_owner_id}. */
public record ResourceOwnerRef(String type, String id) {
}
