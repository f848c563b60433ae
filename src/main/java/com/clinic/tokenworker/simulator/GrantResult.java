package com.clinic.tokenworker.simulator;

/** Outcome of asking the {@link GrantStore} for tokens. */
sealed interface GrantResult {

    record Issued(IssuedTokens tokens) implements GrantResult {
    }

    /** Always {@code invalid_grant}; the description is for humans and never echoes the code or token. */
    record Rejected(String description) implements GrantResult {
    }
}
