package com.clinic.tokenworker.db;

/**
 * Where a step keeps its retry state on a claimed row: the count of failed calls and the "not before" time. One
 * table can hold several (oauth_token has one pair for refresh and one for revocation).
 */
public interface RetryColumns {

    String attemptsColumn();

    String backoffColumn();
}
