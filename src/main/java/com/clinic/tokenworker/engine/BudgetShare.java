package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.budget.RequestBudget;

/** Which share of the request budget a step draws on, and what its exhaustion is called in the exit description. */
public enum BudgetShare {
    /** The whole budget: a code's 10-minute deadline is hard. */
    EXCHANGES("request budget spent (TOKENWORKER_REQUESTS_PER_5MIN)"),
    /** What the exchanges' reserve leaves: refreshes and revocations can wait for the next run. */
    REFRESHES("request budget spent (TOKENWORKER_REQUESTS_PER_5MIN, less the share kept for code exchanges)");

    private final String spent;

    BudgetShare(String spent) {
        this.spent = spent;
    }

    public int acquire(RequestBudget budget, int wanted) {
        return this == EXCHANGES ? budget.acquireForExchanges(wanted) : budget.acquireForRefreshes(wanted);
    }

    public String spentReason() {
        return spent;
    }
}
