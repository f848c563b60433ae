package com.clinic.tokenworker.support;

import com.clinic.tokenworker.budget.RequestBudget;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * For tests about claiming and concurrency, where the shared rate budget is not what is tested and would only
 * stall a frozen test clock. Pass as an extra source to {@link TestWorker#start}.
 */
@Configuration(proxyBeanMethods = false)
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
