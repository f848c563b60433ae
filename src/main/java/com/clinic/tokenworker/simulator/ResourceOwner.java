package com.clinic.tokenworker.simulator;

import java.util.Objects;
import java.util.UUID;

/** The Fullscript user (or clinic) a grant belongs to. */
public record ResourceOwner(String id, ResourceOwnerType type) {

    public ResourceOwner {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
    }

    public static ResourceOwner newPractitioner() {
        return new ResourceOwner(UUID.randomUUID().toString(), ResourceOwnerType.PRACTITIONER);
    }
}
