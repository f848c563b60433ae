package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ClassPreloaderTest {

    @Test
    void everyListedClassStillExists() {
        List<String> names = ClassPreloader.names();

        // A renamed or removed class only costs start-up time, but a list gone stale this way has missed the
        // change that made it so: regenerate it (src/main/scripts/preload-classes.sh, docs/startup.md).
        assertThat(names).hasSizeGreaterThan(1000)
                .contains("org.springframework.boot.SpringApplication", "org.springframework.batch.core.job.SimpleJob",
                        "com.clinic.tokenworker.engine.WorkLoop")
                .doesNotHaveDuplicates();
        assertThat(ClassPreloader.load(getClass().getClassLoader(), names)).isZero();
    }

    @Test
    void loadsWithoutInitialisingAndSkipsWhatIsMissing() {
        int missing = ClassPreloader.load(getClass().getClassLoader(),
                List.of(Initialised.class.getName(), "com.clinic.tokenworker.NoSuchClass"));

        assertThat(missing).isEqualTo(1);
        // Loading ahead must not run static initialisers early, on another thread.
        assertThat(INITIALISED).isFalse();
    }

    @Test
    void startsOnlyForCommandsThatStartAContext() {
        assertThat(ClassPreloader.startFor(new String[] {"--help"})).isFalse();
        assertThat(ClassPreloader.startFor(new String[] {"simulate"})).isFalse();
        assertThat(ClassPreloader.startFor(new String[0])).isFalse();
        assertThat(ClassPreloader.startFor(new String[] {"status"})).isFalse();
        assertThat(ClassPreloader.startFor(new String[] {"daemon", "--help"})).isTrue();
    }

    private static final AtomicBoolean INITIALISED = new AtomicBoolean();

    static final class Initialised {
        static {
            INITIALISED.set(true);
        }
    }
}
