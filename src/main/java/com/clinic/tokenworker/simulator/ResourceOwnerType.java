package com.clinic.tokenworker.simulator;

import java.util.Arrays;
import java.util.Optional;

/** {@code resource_owner.type} values Fullscript sends; {@code Clinic} only for apps created before 2021-08-26. */
public enum ResourceOwnerType {
    PRACTITIONER("Practitioner"),
    STAFF("Staff"),
    CLINIC("Clinic");

    private final String wireName;

    ResourceOwnerType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ResourceOwnerType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
