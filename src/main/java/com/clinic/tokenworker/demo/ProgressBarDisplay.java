package com.clinic.tokenworker.demo;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A progress bar of codes that reached a final status, redrawn in place on the terminal. */
final class ProgressBarDisplay implements DemoProgress {

    private final ProgressBar bar;

    ProgressBarDisplay(int total, PrintStream terminal) {
        this.bar = new ProgressBarBuilder()
                .setTaskName("Codes")
                .setInitialMax(total)
                .setConsumer(new ConsoleProgressBarConsumer(terminal))
                .setUpdateIntervalMillis(200)
                .hideEta()
                .build();
    }

    @Override
    public void update(CodeCounts counts, int executions) {
        bar.stepTo(counts.settled());
        bar.setExtraMessage(DemoProgress.breakdown(counts));
    }

    @Override
    public void close() {
        bar.close();
    }
}
