package com.clinic.tokenworker.crypto;

/** Which secret of a token row a ciphertext holds; part of the associated data so the two cannot be swapped. */
public enum TokenField {
    ACCESS_TOKEN("access_token"),
    REFRESH_TOKEN("refresh_token");

    private final String label;

    TokenField(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
