package com.clinic.tokenworker.bench;

import java.sql.Connection;
import java.time.Duration;

/** Codes arriving at a steady pace, as users finishing the consent screen would. */
final class Arrivals {

    private Arrivals() {
    }

    /** One code every {@code every} for {@code during}, each in its own insert; returns how many. */
    static int steady(Connection c, WebTier web, Duration every, Duration during) throws Exception {
        long start = System.nanoTime();
        long end = start + during.toNanos();
        int n = 0;
        for (long next = start; next < end; next += every.toNanos()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            web.receiveOne(c);
            n++;
        }
        return n;
    }
}
