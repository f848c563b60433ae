package com.clinic.tokenworker.support;

import com.clinic.tokenworker.budget.RequestBudget;
import org.springframework.context.annotation.Bean;

/**
 * For tests about claiming and concurrency, where the shared rate budget is not what is tested and would only
 * stall a frozen test clock. Pass as an extra source to {@link TestWorker#start}, with {@link #OVERRIDE}.
 *
 * <p>Deliberately not a {@code @Configuration}: the worker's component scan would then put it in every test's
 * context, and every other test would run without the budget it is meant to respect. As a source it still works
 * (lite mode).
 */
public class UnlimitedBudget {

    public static final java.util.Map<String, Object> OVERRIDE =
            java.util.Map.of("spring.main.allow-bean-definition-overriding", "true");

    @Bean
    RequestBudget requestBudget() {
        return new RequestBudget() {
            @Override
            public int acquireForExchanges(int wanted) {
                return wanted;
            }

            @Override
            public int acquireForRefreshes(int wanted) {
                return wanted;
            }

            @Override
            public void giveBack(int unused) {
            }
        };
    }
}
